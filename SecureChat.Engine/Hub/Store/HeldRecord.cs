namespace SecureChat.Engine.Hub.Store;

/// <summary>
/// A record held for one identity that has no link (<see cref="HubStore.Hold"/>): a direct conversation's commit,
/// Welcome or message, or a room's Welcome for it. <see cref="Id"/> orders a recipient's records (the store's, in the
/// order of holding); <see cref="Target"/> is the record's <c>target</c> field as the recipient is to see it
/// (PROTOCOL.md 4.1). Immutable.
/// </summary>
internal sealed record HeldRecord(long Id, StoredKind Kind, byte[] Target, string Sender, DateTimeOffset At, byte[] Mls);
