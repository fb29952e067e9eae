namespace SecureChat.Engine.Hub.Store;

/// <summary>What <see cref="HubStore.Hold"/> did with a record for an absent recipient.</summary>
internal enum HoldOutcome
{
    /// <summary>Written and synced: it survives the hub's end and is delivered when the recipient connects.</summary>
    Held,

    /// <summary>Refused: the recipient's held records would pass <see cref="HubStoreOptions.HeldBytesMax"/> or <see cref="HubStoreOptions.HeldCountMax"/>.</summary>
    Full,
}
