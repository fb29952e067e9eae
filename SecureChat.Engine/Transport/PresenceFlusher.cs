namespace SecureChat.Engine.Transport;

/// <summary>
/// Hub: sends each link's held presence notices (joined, left, renamed) at most once per
/// <see cref="ChatOptions.PresenceDelay"/>, so the joins, renames and leaves of that time reach a member in one socket
/// write instead of one write each. Without it a hub of 10,000 members filling at 30 joins a second writes every
/// member 30 times a second (300,000 writes a second for presence alone). Chat never waits: a link seals its held
/// notices before any other record (see <see cref="PresenceBacklog"/>). Thread-safe.
/// </summary>
internal sealed class PresenceFlusher(TimeSpan delay, TimeProvider time) : DelayedFlusher<IHeldPresence>(delay, time)
{
    protected override void FlushOne(IHeldPresence link) => link.FlushHeldPresence();
}
