namespace SecureChat.Engine.Tests.Groups;

/// <summary>A wall clock that moves only when a test says so.</summary>
internal sealed class GroupClock : TimeProvider
{
    private DateTimeOffset _now = DateTimeOffset.UtcNow;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
