namespace SecureChat.Tui.App;

/// <summary>
/// A client's own messages typed while its connection was away (or while earlier ones still went out), each shown
/// at once marked pending and kept here with the room it is for, in the order typed; they go out in that order once
/// the link is secure again. Not thread-safe: the model holds its lock.
/// </summary>
internal sealed class PendingLines
{
    private readonly LinkedList<(ChatLine Line, string Room)> _lines = new();

    public int Count => _lines.Count;

    /// <summary>The text of each waiting message, in order.</summary>
    public IReadOnlyList<string> Texts => [.. _lines.Select(l => l.Line.RawText)];

    /// <summary>A message is to wait (<paramref name="line"/> is how it is shown, marked pending).</summary>
    public void Add(ChatLine line, string room) => _lines.AddLast((line, room));

    /// <summary>Takes the oldest waiting message to send it; false when none waits.</summary>
    public bool TryTake(out ChatLine line, out string room)
    {
        if (_lines.First is not { } first)
        {
            (line, room) = (null!, string.Empty);
            return false;
        }

        _lines.RemoveFirst();
        (line, room) = first.Value;
        return true;
    }

    /// <summary>A message taken could not go out (the link went away again): it waits again, first in line.</summary>
    public void PutBack(ChatLine line, string room) => _lines.AddFirst((line, room));

    /// <summary>Forgets every waiting message and returns their texts, in order (reported as not sent).</summary>
    public IReadOnlyList<string> TakeAll()
    {
        IReadOnlyList<string> texts = Texts;
        _lines.Clear();
        return texts;
    }
}
