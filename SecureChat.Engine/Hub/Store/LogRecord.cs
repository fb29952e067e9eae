namespace SecureChat.Engine.Hub.Store;

/// <summary>
/// One record of a room's log (<see cref="HubStore.Append"/>): the room's sequence number, given by the store in the
/// order of appending; what it is; the group's epoch it was sent in (a commit's is the epoch it ends); the sender's
/// identity digest (hex); when the hub appended it; and the <c>mls</c> bytes as relayed. Immutable.
/// </summary>
internal sealed record LogRecord(long Seq, StoredKind Kind, ulong Epoch, string Sender, DateTimeOffset At, byte[] Mls);
