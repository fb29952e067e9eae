namespace SecureChat.Engine.Hub.Store;

/// <summary>What a stored record is: the hub relays these three (PROTOCOL.md 4.8) and keeps them as it relayed them.</summary>
internal enum StoredKind : byte
{
    /// <summary>An accepted commit (a CommitRelay's <c>mls</c>, a PublicMessage).</summary>
    Commit = 1,

    /// <summary>A Welcome for an added joiner (a WelcomeRelay's <c>mls</c>).</summary>
    Welcome = 2,

    /// <summary>An application message (a GroupRelay's <c>mls</c>, a PrivateMessage the hub cannot read).</summary>
    Message = 3,
}
