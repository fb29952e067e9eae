using System.Buffers;

namespace SecureChat.Bench;

/// <summary>
/// The baselines' send path, with the engine's policy: callers append whole frames to a pending buffer and one
/// writer writes whatever has accumulated while its previous write was in flight (no timers, no Nagle), and a
/// caller waits while more than <see cref="Limit"/> bytes are unsent. This way plain TCP and TLS get the same
/// batching SecureChat's write loop gives itself, so the comparison isolates crypto and session cost.
/// Thread-safe for many callers.
/// </summary>
internal sealed class BatchingWriter
{
    private const int Limit = 1 << 20;

    private readonly Stream _stream;
    private readonly object _gate = new();
    private ArrayBufferWriter<byte> _pending = new(64 * 1024);
    private ArrayBufferWriter<byte> _spare = new(64 * 1024);
    private bool _writing;
    private int _inFlight;
    private TaskCompletionSource? _drained;
    private Exception? _error;

    public BatchingWriter(Stream stream)
    {
        _stream = stream;
    }

    /// <summary>Queues one frame: 5-byte header (type, u32 big-endian length) then the body.</summary>
    public async ValueTask WriteFrameAsync(byte type, ReadOnlyMemory<byte> body)
    {
        while (true)
        {
            Task wait;
            bool start = false;
            lock (_gate)
            {
                if (_error is not null)
                {
                    throw new IOException("the baseline connection failed", _error);
                }

                if (_pending.WrittenCount + _inFlight < Limit)
                {
                    Frames.Write(_pending, type, body.Span);
                    if (!_writing)
                    {
                        _writing = true;
                        start = true;
                    }

                    if (start)
                    {
                        _ = Task.Run(DrainAsync);
                    }

                    return;
                }

                _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _drained.Task;
            }

            await wait.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }
    }

    private async Task DrainAsync()
    {
        try
        {
            while (true)
            {
                ArrayBufferWriter<byte> batch;
                lock (_gate)
                {
                    if (_pending.WrittenCount == 0)
                    {
                        _writing = false;
                        return;
                    }

                    batch = _pending;
                    _pending = _spare;
                    _inFlight = batch.WrittenCount;
                }

                await _stream.WriteAsync(batch.WrittenMemory).ConfigureAwait(false);
                await _stream.FlushAsync().ConfigureAwait(false);
                batch.ResetWrittenCount();
                TaskCompletionSource? drained;
                lock (_gate)
                {
                    _spare = batch;
                    _inFlight = 0;
                    drained = _drained;
                    _drained = null;
                }

                drained?.TrySetResult();
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            TaskCompletionSource? drained;
            lock (_gate)
            {
                _error = e;
                _writing = false;
                drained = _drained;
                _drained = null;
            }

            drained?.TrySetResult();
        }
    }
}
