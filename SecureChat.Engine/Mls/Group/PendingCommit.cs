using SecureChat.Engine.Mls.Messages;

namespace SecureChat.Engine.Mls.Group;

/// <summary>
/// A commit this member sent and the delivery service has not yet ordered (RFC 9420 section 12.4.2): the commit
/// message, the Welcome for the members it adds, and the state of the epoch it creates. The member keeps using its
/// current state until the hub accepts the commit (<see cref="Merge"/>: the next state, the old one to dispose) or
/// refuses it, for instance because another commit won the epoch (<see cref="Discard"/>: the next state's secrets
/// are wiped). Not thread-safe.
/// </summary>
internal sealed class PendingCommit(MlsMessage commit, Welcome? welcome, GroupState next)
{
    private GroupState? _next = next;

    public MlsMessage Commit { get; } = commit;

    /// <summary>The Welcome for the added members; null when the commit adds nobody.</summary>
    public Welcome? Welcome { get; } = welcome;

    /// <summary>The next epoch's state, once; the pending commit is spent afterwards.</summary>
    public GroupState Merge()
    {
        GroupState next = _next ?? throw new InvalidOperationException("the pending commit was already merged or discarded");
        _next = null;
        return next;
    }

    public void Discard()
    {
        _next?.Dispose();
        _next = null;
    }
}
