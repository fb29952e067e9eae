namespace SecureChat.Engine.Tests.Support;

/// <summary>
/// A wall time the test sets and moves (<see cref="TimeProvider.GetUtcNow"/>), for what reads the date: puzzle
/// windows, trust-file timestamps. Timestamps and timers stay the system's, so nothing else slows down or stops.
/// </summary>
internal sealed class WallClock(DateTimeOffset now) : TimeProvider
{
    private DateTimeOffset _now = now;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
