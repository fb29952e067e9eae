using System.Collections.Concurrent;

namespace SecureChat.Engine.Transport;

/// <summary>
/// The server-wide budget of failed key confirmations (each one, with a passphrase, is an online guess at it):
/// <see cref="ChatOptions.FailedConfirmations"/> a minute, a token bucket of that size that failures may
/// overdraw. While it is overdrawn, new connections are refused as busy before their hello, from every source prefix
/// but those where a client proved the passphrase within <see cref="ChatOptions.ConfirmationPenalty"/> (the networks
/// of recent honest members), until the refill has paid the debt. Guessing from a fresh address or prefix per guess
/// is then held to the budget on average, whatever the number of addresses: the per-prefix puzzles
/// (<see cref="PuzzleGate.Penalize"/>) slow one source, this bounds them all. Thread-safe.
/// </summary>
internal sealed class ConfirmationBudget(ChatOptions options)
{
    private readonly object _gate = new();
    private readonly ConcurrentDictionary<SourcePrefix, long> _proven = new();
    private double _tokens = options.FailedConfirmations;
    private long _at = options.Time.GetTimestamp();

    /// <summary>True when a new connection from <paramref name="prefix"/> must be refused: the budget is overdrawn and the prefix has no recent success.</summary>
    public bool Refuses(SourcePrefix? prefix)
    {
        if (options.FailedConfirmations == 0)
        {
            return false;
        }

        lock (_gate)
        {
            Refill();
            if (_tokens >= 1)
            {
                return false;
            }
        }

        return prefix is not { } p || !_proven.TryGetValue(p, out long at) || options.Time.GetElapsedTime(at) > options.ConfirmationPenalty;
    }

    /// <summary>A handshake failed key confirmation (or its client left once it could know its guess was wrong).</summary>
    public void Failed()
    {
        lock (_gate)
        {
            Refill();
            _tokens--;
        }
    }

    /// <summary>A client from <paramref name="prefix"/> proved the passphrase.</summary>
    public void Succeeded(SourcePrefix prefix)
    {
        long now = options.Time.GetTimestamp();
        if (_proven.Count >= PuzzleGate.TrackedMax)
        {
            foreach (KeyValuePair<SourcePrefix, long> old in _proven)
            {
                if (options.Time.GetElapsedTime(old.Value, now) > options.ConfirmationPenalty)
                {
                    _proven.TryRemove(old.Key, out _);
                }
            }

            if (_proven.Count >= PuzzleGate.TrackedMax)
            {
                return; // the exemption is a courtesy to recent members; the budget holds without it
            }
        }

        _proven[prefix] = now;
    }

    private void Refill()
    {
        long now = options.Time.GetTimestamp();
        double perMinute = options.FailedConfirmations;
        _tokens = Math.Min(perMinute, _tokens + options.Time.GetElapsedTime(_at, now).TotalMinutes * perMinute);
        _at = now;
    }
}
