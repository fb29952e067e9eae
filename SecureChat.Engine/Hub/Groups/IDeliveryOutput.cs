using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Hub.Groups;

/// <summary>
/// What the delivery service tells members (PROTOCOL.md 4.8), by identity (hex identity digest); the hub turns each
/// call into records for the identity's link, or queues them while it is away. Called under the hub's lock.
/// </summary>
internal interface IDeliveryOutput
{
    /// <summary>RoomInfo <c>entered</c> with <c>founder</c>: the identity starts the group at epoch 0 under <paramref name="groupId"/>.</summary>
    void Founded(string identity, GroupKey group, byte[] groupId);

    /// <summary>GroupTask: the identity is to commit the group's epoch with the task's removals and joiners.</summary>
    void Task(string identity, GroupKey group, byte[] groupId, ulong epoch, GroupTask task);

    void CommitResult(string identity, GroupKey group, CommitStatus status, byte[] groupId, ulong epoch);

    void CommitRelay(string identity, GroupKey group, string committer, byte[] commit);

    void WelcomeRelay(string identity, GroupKey group, string committer, byte[] welcome);

    /// <summary>Reply <c>few key packages</c>: the identity holds <paramref name="count"/> one-time key packages.</summary>
    void FewKeyPackages(string identity, int count);
}
