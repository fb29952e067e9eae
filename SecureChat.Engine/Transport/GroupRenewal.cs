using SecureChat.Engine.Groups;

namespace SecureChat.Engine.Transport;

/// <summary>
/// The time-driven renewal of a member's leaves (PROTOCOL.md 4.9, "Its commits"): once every <see cref="Every"/> on
/// the member's <see cref="TimeProvider"/>, <see cref="GroupBook.Tick"/> runs through the owner's callback (which
/// takes the book's lock and decides whether the member may send now), so a member that sends fewer than
/// <see cref="GroupBook.UpdateAfterMessages"/> texts still commits an Update of its own leaf within
/// <see cref="GroupBook.UpdateAfter"/> plus <see cref="Every"/> of its last renewal, for post-compromise security.
/// Thread-safe; the callback runs on the timer's thread.
/// </summary>
internal sealed class GroupRenewal : IDisposable
{
    /// <summary>How often the book is asked whether a leaf is due for renewal.</summary>
    public static readonly TimeSpan Every = TimeSpan.FromMinutes(1);

    private readonly ITimer _timer;

    public GroupRenewal(TimeProvider time, Action tick) =>
        _timer = time.CreateTimer(static state => ((Action)state!)(), tick, Every, Every);

    public void Dispose() => _timer.Dispose();
}
