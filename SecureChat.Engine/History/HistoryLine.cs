namespace SecureChat.Engine.History;

/// <summary>
/// A stored line: its conversation, its place in it (<see cref="Sequence"/>, from 1, in the order lines were kept),
/// its time, sender and text. A row whose ciphertext fails its check (altered, or moved from another place) comes
/// back with <see cref="IsDamaged"/> set and no sender or text, so a page still shows where it was. Two lines are
/// equal when everything shown of them is.
/// </summary>
public sealed record HistoryLine(HistoryConversation Conversation, long Sequence, DateTimeOffset Time, string Sender, string Text, bool IsOwn, bool IsDamaged = false)
{
    /// <summary>The row's id in the database: the search index's key, and the order lines were kept in.</summary>
    internal long RowId { get; init; }

    public bool Equals(HistoryLine? other) =>
        other is not null && Conversation == other.Conversation && Sequence == other.Sequence && Time == other.Time
        && Sender == other.Sender && Text == other.Text && IsOwn == other.IsOwn && IsDamaged == other.IsDamaged;

    public override int GetHashCode() => HashCode.Combine(Conversation, Sequence, Time, Sender, Text, IsOwn, IsDamaged);
}
