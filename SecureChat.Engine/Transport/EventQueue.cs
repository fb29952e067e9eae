using System.Collections.Concurrent;

namespace SecureChat.Engine.Transport;

/// <summary>
/// Runs actions one at a time, in the order posted, on the thread pool: how the hub operator's events leave the hub's
/// lock (they are posted under it, and an app's handler may call back into the hub). A queue made held keeps what is
/// posted until <see cref="Release"/>: the hub's operator enters <c>#lobby</c> while the server is built, before
/// anyone can have subscribed to its events. Thread-safe.
/// </summary>
internal sealed class EventQueue(bool held = false, int messageBytesLimit = int.MaxValue) : IThreadPoolWorkItem
{
    private readonly ConcurrentQueue<(string? Event, Action Run)> _queue = new();
    private readonly object _room = new();

    /// <summary>The text of the messages waiting in the queue, in UTF-16 bytes: what <see cref="PostMessage"/> bounds.</summary>
    private long _messageBytes;

    /// <summary>The most message text that waited at once (under <c>_room</c>).</summary>
    private long _messageBytesPeak;

    /// <summary>
    /// The waiting message text per sender (the hex of its identity digest), so that only the links whose messages
    /// fill the queue wait for it, never a link that has nothing in it (under <c>_room</c>).
    /// </summary>
    private readonly Dictionary<string, long> _bySender = new(StringComparer.Ordinal);

    /// <summary>Completed once the waiting message text is down to half the limit; null while nobody waits (under <c>_room</c>).</summary>
    private TaskCompletionSource? _roomWaiter;

    /// <summary>1 while a worker runs the queue (or while held), else 0.</summary>
    private int _running = held ? 1 : 0;
    private int _held = held ? 1 : 0;

    /// <summary>
    /// An action threw (an app's event handler): the name of the event it raised (as posted) and the exception; raised
    /// on the queue's thread, and must not throw.
    /// </summary>
    public Action<string, Exception>? Faulted { get; set; }

    /// <summary>Lets a held queue run what was posted so far and everything after it (again: nothing).</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _held, 0) == 1)
        {
            Volatile.Write(ref _running, 0);
            if (!_queue.IsEmpty && Interlocked.Exchange(ref _running, 1) == 0)
            {
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            }
        }
    }

    /// <summary>The most message text (as <see cref="PostMessage"/> counts it) that waited to be raised at once (for tests).</summary>
    public long MessageBytesPeak
    {
        get
        {
            lock (_room)
            {
                return _messageBytesPeak;
            }
        }
    }

    /// <summary>Posts an action that raises the event named <paramref name="name"/> (the name <see cref="Faulted"/> reports).</summary>
    public void Post(string? name, Action action)
    {
        _queue.Enqueue((name, action));
        if (Interlocked.Exchange(ref _running, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    /// <summary>
    /// Posts a message of <paramref name="bytes"/> from <paramref name="sender"/> (the hex of its identity digest),
    /// counted against the limit until it is raised. It never waits: past the limit (an app slower than a flood),
    /// <see cref="Full"/> tells the read loops of the senders whose messages wait here to read nothing more until the
    /// messages were raised, so TCP holds the flood back as a link's own receive queue does, no thread is blocked
    /// meanwhile, and a link with nothing in the queue (in a room without the operator, or quiet) reads on.
    /// </summary>
    public void PostMessage(string name, Action action, int bytes, string sender)
    {
        lock (_room)
        {
            _messageBytes += bytes;
            _messageBytesPeak = Math.Max(_messageBytesPeak, _messageBytes);
            _bySender[sender] = _bySender.GetValueOrDefault(sender) + bytes;
        }

        Post(name, () =>
        {
            try
            {
                action();
            }
            finally
            {
                lock (_room)
                {
                    _messageBytes -= bytes;
                    long left = _bySender[sender] - bytes;
                    if (left == 0)
                    {
                        _bySender.Remove(sender);
                    }
                    else
                    {
                        _bySender[sender] = left;
                    }

                    if (_roomWaiter is { } waiter && _messageBytes <= messageBytesLimit / 2)
                    {
                        _roomWaiter = null;
                        waiter.SetResult();
                    }
                }
            }
        });
    }

    /// <summary>
    /// True when more message text than the limit waits to be raised (and the queue is not held) and some of it is
    /// <paramref name="sender"/>'s: that sender's reader then reads nothing more until <paramref name="room"/>
    /// completes, once half the limit or less waits. A sender with nothing waiting (or null: not yet identified) is
    /// never held back by the others' messages.
    /// </summary>
    public bool Full(string? sender, out Task room)
    {
        lock (_room)
        {
            if (Volatile.Read(ref _held) != 0 || _messageBytes <= messageBytesLimit || sender is null || !_bySender.ContainsKey(sender))
            {
                room = Task.CompletedTask;
                return false;
            }

            room = (_roomWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            return true;
        }
    }

    /// <summary>Completes once everything posted so far has run (for an orderly stop and for tests).</summary>
    public Task Drained()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(null, done.SetResult);
        return done.Task;
    }

    void IThreadPoolWorkItem.Execute()
    {
        while (true)
        {
            while (_queue.TryDequeue(out (string? Event, Action Run) posted))
            {
                try
                {
                    posted.Run();
                }
                catch (Exception e)
                {
                    // An app's handler failed: the hub and every session go on, and the next event still runs.
                    Faulted?.Invoke(posted.Event ?? "an event", e);
                }
            }

            Volatile.Write(ref _running, 0);
            if (_queue.IsEmpty || Interlocked.Exchange(ref _running, 1) != 0)
            {
                return;
            }
        }
    }
}
