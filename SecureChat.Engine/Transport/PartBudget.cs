namespace SecureChat.Engine.Transport;

/// <summary>
/// The hub-wide bound on the memory its links' pending Parts hold (PROTOCOL.md 4.1.1, <see cref="ChatOptions.PendingParts"/>):
/// each link reports what its Parts hold after each read; while the total is over the limit, the readers of the links
/// holding pending Parts read nothing more (TCP holds those peers back) until assembled records have been handled
/// and the total is back under it. A link that holds none keeps reading, so a payload that completes can always
/// arrive. Without it, many links each holding nearly <see cref="Protocol.WireFormat.MlsPayloadMax"/> of Parts they
/// never complete could grow a hub without end.
/// </summary>
/// <remarks>
/// Links that never complete their Parts would hold the bound spent for ever, and with it every other link that
/// started a long payload (a member's large commit or Welcome). So the bound fails closed: once the total has stayed
/// over the limit for <see cref="ChatOptions.PendingPartsTimeout"/> (on the hub's clock), the links holding the most
/// are closed, largest first, until what the others hold is within the limit; their Parts are discarded with them
/// and the others are read again. A link stopped by the bound holds at most what it brought before the bound was
/// passed, so the links that spent it are closed first. Thread-safe.
/// </remarks>
internal sealed class PartBudget : IDisposable
{
    private readonly object _gate = new();
    private readonly long _limit;
    private readonly TimeSpan _timeout;
    private readonly Dictionary<IPartHolder, long> _holders = new(ReferenceEqualityComparer.Instance);
    private readonly ITimer _stall;
    private long _held;
    private TaskCompletionSource? _room;

    public PartBudget(long limit, TimeProvider time, TimeSpan timeout)
    {
        _limit = limit;
        _timeout = timeout;
        _stall = time.CreateTimer(static b => ((PartBudget)b!).OnStalled(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

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

    /// <summary><paramref name="holder"/>'s pending Parts grew or shrank by <paramref name="delta"/> bytes.</summary>
    public void Change(IPartHolder holder, long delta)
    {
        if (delta == 0)
        {
            return;
        }

        TaskCompletionSource? room = null;
        lock (_gate)
        {
            bool wasOver = _held > _limit;
            _held += delta;
            long holds = _holders.GetValueOrDefault(holder) + delta;
            if (holds > 0)
            {
                _holders[holder] = holds;
            }
            else
            {
                _holders.Remove(holder);
            }

            if (_held <= _limit)
            {
                (room, _room) = (_room, null);
                if (wasOver)
                {
                    _stall.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                }
            }
            else if (!wasOver)
            {
                _stall.Change(_timeout, Timeout.InfiniteTimeSpan); // the bound has been spent since now
            }
        }

        room?.TrySetResult();
    }

    /// <summary>True while the total is over the limit: a link holding pending Parts waits for <paramref name="room"/>.</summary>
    public bool Over(out Task room)
    {
        lock (_gate)
        {
            if (_held <= _limit)
            {
                room = Task.CompletedTask;
                return false;
            }

            room = (_room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            return true;
        }
    }

    public void Dispose() => _stall.Dispose();

    /// <summary>
    /// The total stayed over the limit for the timeout: the largest holders are closed until the rest fit. Called on
    /// the timer's thread; the links are closed outside this object's lock (a link reports its discarded Parts back
    /// under its own lock).
    /// </summary>
    private void OnStalled()
    {
        List<(IPartHolder Holder, long Bytes)> closing = [];
        lock (_gate)
        {
            long rest = _held;
            foreach ((IPartHolder holder, long bytes) in _holders.OrderByDescending(h => h.Value))
            {
                if (rest <= _limit)
                {
                    break;
                }

                closing.Add((holder, bytes));
                rest -= bytes;
            }
        }

        foreach ((IPartHolder holder, long bytes) in closing)
        {
            holder.DropForParts($"its {bytes:N0} bytes of pending Parts were among the most while all links' pending Parts stayed over the hub's bound ({_limit:N0} bytes) for {_timeout.TotalSeconds:0.#} s");
        }

        lock (_gate)
        {
            if (_held > _limit)
            {
                _stall.Change(_timeout, Timeout.InfiniteTimeSpan); // spent again at once, or a link not yet ended: another round
            }
        }
    }
}
