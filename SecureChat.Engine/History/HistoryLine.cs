namespace SecureChat.Engine.History;

/// <summary>
/// A stored line: its conversation, its place in it (<see cref="Sequence"/>, from 1, in the order lines were kept),
/// its time, sender and text. A row whose ciphertext fails its check (altered, or moved from another place) comes
/// back with <see cref="IsDamaged"/> set and no sender or text, so a page still shows where it was.
/// </summary>
public sealed record HistoryLine(HistoryConversation Conversation, long Sequence, DateTimeOffset Time, string Sender, string Text, bool IsOwn, bool IsDamaged = false)
{
    internal long RowId { get; init; }
}
