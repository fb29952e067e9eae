namespace SecureChat.Engine.Transport;

/// <summary>
/// What the live peers of one source prefix hold together against the server-wide output budget (see
/// <see cref="ServerOutputBudget"/>), kept up to date as each peer's backlog changes, so choosing whom to drop needs no
/// pass over every peer. Thread-safe: the sum is interlocked; joining and leaving take the share's own lock, so a
/// share whose last peer left is never joined again (the peer joins a new one).
/// </summary>
internal sealed class PrefixShare
{
    private readonly object _gate = new(); // a leaf lock
    private long _held;
    private int _peers;
    private bool _gone;

    /// <summary>Bytes held by the prefix's live peers now.</summary>
    public long Held => Interlocked.Read(ref _held);

    public void Add(long delta) => Interlocked.Add(ref _held, delta);

    /// <summary>Counts one more peer in; false when the last peer already left (the share is gone: use a new one).</summary>
    public bool TryEnter()
    {
        lock (_gate)
        {
            if (_gone)
            {
                return false;
            }

            _peers++;
            return true;
        }
    }

    /// <summary>Counts one peer out; true when it was the last, so the share is gone and may be forgotten.</summary>
    public bool Leave()
    {
        lock (_gate)
        {
            _gone = --_peers == 0;
            return _gone;
        }
    }
}
