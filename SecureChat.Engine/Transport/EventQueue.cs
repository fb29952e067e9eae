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

    /// <summary>True on the thread running the queue: it never waits for room in its own queue.</summary>
    [ThreadStatic]
    private static bool t_running;

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
    /// Posts a message of <paramref name="bytes"/> and, while more than the limit waits to be raised (an app slower than
    /// a flood), first waits for room: the poster is the sending link's reader, which then reads nothing more, so TCP
    /// holds the flood back as a link's own receive queue does. Call outside every lock.
    /// </summary>
    public void PostMessage(string name, Action action, int bytes)
    {
        lock (_room)
        {
            while (!t_running && Volatile.Read(ref _held) == 0 && _messageBytes > 0 && _messageBytes + bytes > messageBytesLimit)
            {
                Monitor.Wait(_room, TimeSpan.FromMilliseconds(100));
            }

            _messageBytes += bytes;
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
                    Monitor.PulseAll(_room);
                }
            }
        });
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
        t_running = true;
        try
        {
            Run();
        }
        finally
        {
            t_running = false;
        }
    }

    private void Run()
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
