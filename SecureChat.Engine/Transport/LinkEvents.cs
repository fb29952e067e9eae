using SecureChat.Engine.Chat;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Transport;

/// <summary>
/// The in-order delivery of one link's session events to its owner: queued under the link's lock, raised outside
/// every lock by one thread at a time (whoever queued finds the queue empty, or another thread already draining it),
/// so handlers may call back into this or any other link. Completes the link's Established task as events pass.
/// Thread-safe.
/// </summary>
/// <remarks>
/// The queue is bounded by its owner, not here: the memory its events hold (<see cref="Cost"/>) is counted while they
/// wait and until their handler returns, and reported to the server-wide budget; the reader stops reading while
/// <see cref="Full"/> (<see cref="ChatOptions.ReceiveQueueLimit"/>). Without that, a peer whose events another thread
/// was raising (a relay to it, a timer) was read as fast as its bytes came while that thread relayed them to every
/// member: two members flooding chat grew a hub by 1.5 GiB in 12 s.
/// </remarks>
internal sealed class LinkEvents(Link link, Action<Link, SessionEvent> handler, int limit = int.MaxValue, ServerOutputBudget? server = null)
{
    /// <summary>What an event holds besides its text: the record, its fields and the queue's slot (counted generously).</summary>
    internal const int EventOverhead = 128;

    private readonly Queue<SessionEvent> _queue = new(); // under its own lock: a hub keeps one per link, and a concurrent queue starts at 800 bytes
    private readonly TaskCompletionSource _established = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _dispatching;

    /// <summary>The cost of the events queued or being raised (under the queue's lock).</summary>
    private long _bytes;

    /// <summary>Completed when the queue has room again (under the queue's lock).</summary>
    private TaskCompletionSource? _room;

    /// <summary>Completes when the session is secure; faults with <see cref="ChatConnectionException"/> when it ends first.</summary>
    public Task Established => _established.Task;

    public void Enqueue(SessionEvent e)
    {
        int cost = Cost(e);
        lock (_queue)
        {
            _queue.Enqueue(e);
            _bytes += cost;
        }

        server?.AddQueued(cost);
    }

    /// <summary>The bytes of memory queued events hold now.</summary>
    public long QueuedBytes
    {
        get
        {
            lock (_queue)
            {
                return _bytes;
            }
        }
    }

    /// <summary>
    /// True when the queued events hold more than the limit: the reader must wait for <paramref name="room"/> (completed
    /// once they hold half the limit or less) before it reads more from the peer.
    /// </summary>
    public bool Full(out Task room)
    {
        lock (_queue)
        {
            if (_bytes <= limit)
            {
                room = Task.CompletedTask;
                return false;
            }

            room = (_room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            return true;
        }
    }

    /// <summary>The memory an event holds while it waits: its strings (UTF-16) and digest, and <see cref="EventOverhead"/>.</summary>
    internal static int Cost(SessionEvent e) => EventOverhead + e switch
    {
        PresenceEvent p => (2 * (p.Name.Length + p.Text.Length + p.Room.Length)) + p.Digest.Length,
        PeerNamedEvent n => 2 * n.Name.Length,
        RoomRequestEvent r => 2 * (r.Room.Length + r.Name.Length + r.Text.Length),
        RoomNoticeEvent n => (2 * (n.Room.Length + n.ActorName.Length + n.TargetName.Length + n.Text.Length)) + n.Actor.Length + n.Target.Length,
        RoomInfoEvent i => 2 * (i.Room.Length + i.Topic.Length),
        ReplyEvent r => (2 * (r.Room.Length + r.Name.Length + r.Text.Length)) + r.Digest.Length,
        GroupRecordEvent g => g.Size,
        _ => 0,
    };

    /// <summary>Raises queued events in order; returns at once when another thread is already doing it.</summary>
    public void Dispatch()
    {
        while (HasQueued)
        {
            if (Interlocked.CompareExchange(ref _dispatching, 1, 0) != 0)
            {
                return;
            }

            try
            {
                while (TryDequeue(out SessionEvent? e))
                {
                    // The owner reacts first (a client sends its Nick on Established), so whoever awaits
                    // Established can only send after that.
                    try
                    {
                        if (e is GroupRecordEvent group)
                        {
                            group.Deliver(); // to the owner's IHubGroupRecords or IMemberGroupRecords
                        }
                        else if (e is AckDueEvent due)
                        {
                            link.AckHandled(due); // after the answers to what it covers
                        }
                        else
                        {
                            handler(link, e);
                        }
                    }
                    finally
                    {
                        Handled(e); // counted until here: the handler may hold on to its strings while it relays them
                    }

                    switch (e)
                    {
                        case EstablishedEvent:
                            _established.TrySetResult();
                            break;
                        case FailedEvent failed:
                            _established.TrySetException(new ChatConnectionException(failed.Failure));
                            break;
                        case ClosedEvent:
                            _established.TrySetException(new ChatConnectionException(SessionFailure.Create(FailureReason.ConnectionLost)));
                            break;
                    }
                }
            }
            finally
            {
                Volatile.Write(ref _dispatching, 0);
            }
        }
    }

    /// <summary>True while events wait to be raised.</summary>
    public bool HasQueued
    {
        get
        {
            lock (_queue)
            {
                return _queue.Count > 0;
            }
        }
    }

    private void Handled(SessionEvent e)
    {
        int cost = Cost(e);
        TaskCompletionSource? room = null;
        lock (_queue)
        {
            _bytes -= cost;
            if (_room is not null && _bytes <= limit / 2)
            {
                (room, _room) = (_room, null);
            }
        }

        server?.AddQueued(-cost);
        room?.TrySetResult();
    }

    private bool TryDequeue([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SessionEvent? e)
    {
        lock (_queue)
        {
            return _queue.TryDequeue(out e);
        }
    }
}
