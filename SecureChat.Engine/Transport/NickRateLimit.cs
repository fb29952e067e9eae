namespace SecureChat.Engine.Transport;

/// <summary>
/// A token bucket for one peer's name changes on a hub: <see cref="ChatOptions.NickBurst"/> at once, then one
/// more per <see cref="ChatOptions.NickInterval"/>. Every accepted name change is announced to every other
/// peer, so without a bound one peer could make the hub seal and send work for everyone at its own pace. The first
/// name (joining) takes a token too. The same bucket, with other numbers, bounds the Nick records themselves
/// (<see cref="ChatOptions.NickFloodBurst"/>). Thread-safe.
/// </summary>
internal sealed class NickRateLimit(int burst, TimeSpan interval, TimeProvider time)
{
    private readonly object _gate = new();
    private double _tokens = burst;
    private long _last = time.GetTimestamp();

    /// <summary>Takes one token; false when the peer has changed names too often.</summary>
    public bool TryTake()
    {
        lock (_gate)
        {
            long now = time.GetTimestamp();
            _tokens = Math.Min(burst, _tokens + (time.GetElapsedTime(_last, now) / interval));
            _last = now;
            if (_tokens < 1)
            {
                return false;
            }

            _tokens--;
            return true;
        }
    }
}
