namespace SecureChat.Tui.App;

/// <summary>
/// A client's own messages sent on the current link that the hub has not yet acknowledged, in the order sent. The
/// hub's acknowledgement counts this link's messages (PROTOCOL.md, Ack): when it has received the n-th, the first n
/// are marked. A link lost with messages still here leaves them not confirmed. Not thread-safe: the model holds its lock.
/// </summary>
internal sealed class SentLines
{
    private readonly Queue<ChatLine> _waiting = new();
    private int _sent;
    private int _acknowledged;

    /// <summary>True once the hub has acknowledged anything on this link: it speaks acknowledgements, so what is still waiting at a loss is known exactly.</summary>
    public bool HubAcknowledges { get; private set; }

    /// <summary>A message went out on this link (it is the link's next one).</summary>
    public void Sent(ChatLine line)
    {
        _sent++;
        _waiting.Enqueue(line);
    }

    /// <summary>A message handed to the engine did not go out (refused, or the link was gone): it is no longer counted.</summary>
    public void Withdraw(ChatLine line)
    {
        ChatLine[] all = _waiting.ToArray();
        if (!all.Any(l => ReferenceEquals(l, line)))
        {
            return;
        }

        _waiting.Clear();
        foreach (ChatLine kept in all.Where(l => !ReferenceEquals(l, line)))
        {
            _waiting.Enqueue(kept);
        }

        _sent--;
    }

    /// <summary>
    /// The hub has acknowledged <paramref name="count"/> of this link's messages: the ones newly acknowledged, in
    /// order, marked so. A count that goes back or beyond what was sent is ignored past what it can mean.
    /// </summary>
    public IReadOnlyList<ChatLine> Acknowledge(int count)
    {
        HubAcknowledges = true;
        var marked = new List<ChatLine>();
        while (_acknowledged < Math.Min(count, _sent) && _waiting.TryDequeue(out ChatLine? line))
        {
            _acknowledged++;
            marked.Add(line with { Acknowledged = true, Pending = false });
        }

        return marked;
    }

    /// <summary>A new link: its count starts from nothing. Returns the texts still waiting from the old one, in order.</summary>
    public IReadOnlyList<string> Reset()
    {
        string[] left = [.. _waiting.Select(l => l.RawText)];
        _waiting.Clear();
        _sent = 0;
        _acknowledged = 0;
        HubAcknowledges = false;
        return left;
    }
}
