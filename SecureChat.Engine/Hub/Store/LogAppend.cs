namespace SecureChat.Engine.Hub.Store;

/// <summary>One record to append to a room's log (<see cref="HubStore.AppendAll"/>). Immutable.</summary>
internal sealed record LogAppend(string Room, StoredKind Kind, ulong Epoch, string Sender, byte[] Mls);
