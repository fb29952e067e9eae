namespace SecureChat.Engine.Transport;

/// <summary>
/// The hub-wide bound on the memory its links' pending Parts hold (PROTOCOL.md 4.1.1, <see cref="ChatOptions.PendingParts"/>):
/// each link reports what its Parts hold after each read; while the total is over the limit, the readers of the links
/// holding pending Parts read nothing more (TCP holds those peers back) until assembled records have been handled
/// and the total is back under it. A link that holds none keeps reading, so a payload that completes can always
/// arrive. Without it, many links each holding nearly <see cref="Protocol.WireFormat.MlsPayloadMax"/> of Parts they
/// never complete could grow a hub without end. Thread-safe.
/// </summary>
internal sealed class PartBudget(long limit)
{
    private readonly object _gate = new();
    private long _held;
    private TaskCompletionSource? _room;

    /// <summary>The bytes all links' pending Parts hold now.</summary>
    public long Held
    {
        get
        {
            lock (_gate)
            {
                return _held;
            }
        }
    }

    /// <summary>A link's pending Parts grew or shrank by <paramref name="delta"/> bytes.</summary>
    public void Change(long delta)
    {
        if (delta == 0)
        {
            return;
        }

        TaskCompletionSource? room = null;
        lock (_gate)
        {
            _held += delta;
            if (_held <= limit)
            {
                (room, _room) = (_room, null);
            }
        }

        room?.TrySetResult();
    }

    /// <summary>True while the total is over the limit: a link holding pending Parts waits for <paramref name="room"/>.</summary>
    public bool Over(out Task room)
    {
        lock (_gate)
        {
            if (_held <= limit)
            {
                room = Task.CompletedTask;
                return false;
            }

            room = (_room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            return true;
        }
    }
}
