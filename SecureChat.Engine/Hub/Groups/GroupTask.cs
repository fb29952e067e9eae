namespace SecureChat.Engine.Hub.Groups;

/// <summary>
/// The task the hub has open for a group (PROTOCOL.md 4.8): the designated member, what it was asked to commit, and
/// the timer that passes the task on after <see cref="DeliveryOptions.TaskTimeout"/>. Not thread-safe: used under the
/// hub's lock.
/// </summary>
internal sealed class GroupTask(string designee, IReadOnlyList<string> removals, IReadOnlyList<PendingJoiner> joiners) : IDisposable
{
    public string Designee { get; } = designee;

    public IReadOnlyList<string> Removals { get; } = removals;

    public IReadOnlyList<PendingJoiner> Joiners { get; } = joiners;

    public ITimer? Timer { get; set; }

    public void Dispose() => Timer?.Dispose();
}
