namespace SecureChat.TestSupport;

/// <summary>The system clock, with a wall time the test moves (timestamps and timers stay real).</summary>
internal sealed class ShiftedTime : TimeProvider
{
    private TimeSpan _offset;

    public ShiftedTime()
    {
        DateTimeOffset now = TimeProvider.System.GetUtcNow();
        _offset = TimeSpan.FromSeconds(70 - now.Second) - TimeSpan.FromMilliseconds(now.Millisecond); // 10 s into the next minute
    }

    public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + _offset;

    public void Advance(TimeSpan by) => _offset += by;
}
