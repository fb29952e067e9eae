using System.Diagnostics;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Diagnostics;

/// <summary>One server's measurements on <see cref="ChatMetrics"/>, each tagged with its id. Thread-safe.</summary>
internal sealed class ServerMetrics(string id)
{
    private long _fanoutStart;
    private int _sealing;

    public string Id => id;

    public KeyValuePair<string, object?> Tag { get; } = new(ChatMetrics.ServerTag, id);

    public void HandshakeStarted() => ChatMetrics.Started.Add(1, Tag);

    public void HandshakeCompleted()
    {
        ChatMetrics.Completed.Add(1, Tag);
        ChatMetrics.Sessions.Add(1, Tag);
    }

    public void HandshakeFailed(FailureReason reason) => ChatMetrics.Failed.Add(1, Tag, Reason(Name(reason)));

    public void PuzzleSent() => ChatMetrics.Puzzles.Add(1, Tag);

    /// <summary>A joined peer's link is gone; <paramref name="dropReason"/> is why the server dropped it, or null when it left.</summary>
    public void SessionEnded(string? dropReason)
    {
        ChatMetrics.Sessions.Add(-1, Tag);
        if (dropReason is not null)
        {
            ChatMetrics.Dropped.Add(1, Tag, Reason(dropReason));
        }
    }

    public void Sent(long bytes) => ChatMetrics.Bytes.Add(bytes, Tag);

    /// <summary>The hub answered a member's request <paramref name="op"/> with <paramref name="result"/>.</summary>
    public void RequestHandled(Transport.RoomOp op, Transport.ReplyCode result) =>
        ChatMetrics.Requests.Add(1, Tag, new(ChatMetrics.OpTag, SnakeCase(op.ToString())), new(ChatMetrics.ResultTag, SnakeCase(result.ToString())));

    /// <summary>A handler of the operator's event <paramref name="name"/> (as <see cref="Transport.ChatEndpoint"/> names it) threw.</summary>
    public void HandlerFaulted(string name) => ChatMetrics.Faults.Add(1, Tag, new(ChatMetrics.EventTag, SnakeCase(name)));

    /// <summary>The hub sent <paramref name="count"/> acknowledgements.</summary>
    public void AcksSent(long count) => ChatMetrics.Acks.Add(count, Tag);

    /// <summary>A message is about to be sealed for the peers: returns the time its fan-out starts.</summary>
    public long Sealing()
    {
        Interlocked.Increment(ref _sealing);
        return Stopwatch.GetTimestamp();
    }

    /// <summary>
    /// The message <see cref="Sealing"/> announced was sealed for <paramref name="records"/> peers: its fan-out is
    /// timed from <paramref name="start"/> until every peer's output is written (already, when
    /// <paramref name="unsent"/> is 0).
    /// </summary>
    /// <param name="kind">What the records carry: <see cref="ChatMetrics.KindRoom"/> or <see cref="ChatMetrics.KindDirect"/>.</param>
    public void Sealed(int records, long start, long unsent, string kind = ChatMetrics.KindRoom)
    {
        if (records > 0)
        {
            ChatMetrics.Records.Add(records, Tag, new KeyValuePair<string, object?>(ChatMetrics.KindTag, kind));
            Interlocked.CompareExchange(ref _fanoutStart, start, 0);
        }

        Interlocked.Decrement(ref _sealing);
        if (unsent == 0)
        {
            Drained();
        }
    }

    /// <summary>Every peer's output is written: the fan-out under way, if any and sealed for all, is done.</summary>
    public void Drained()
    {
        if (Volatile.Read(ref _sealing) > 0)
        {
            return;
        }

        long start = Interlocked.Exchange(ref _fanoutStart, 0);
        if (start != 0)
        {
            ChatMetrics.Fanout.Record(Stopwatch.GetElapsedTime(start).TotalMilliseconds, Tag);
        }
    }

    /// <summary>The reason tag for a failure: its name in snake case (peer_too_slow, idle_timeout...).</summary>
    public static string Name(FailureReason reason) => SnakeCase(reason.ToString());

    private static string SnakeCase(string name)
    {
        var text = new System.Text.StringBuilder(name.Length + 4);
        foreach (char c in name)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }

    private static KeyValuePair<string, object?> Reason(string reason) => new(ChatMetrics.ReasonTag, reason);
}
