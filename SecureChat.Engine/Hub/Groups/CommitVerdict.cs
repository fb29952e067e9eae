using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Hub.Groups;

/// <summary>
/// The hub's answer to a GroupCommit (PROTOCOL.md 4.8): its status, why it was refused, and for an accepted one the
/// leaves it removes and the joiners it adds. Immutable.
/// </summary>
internal sealed record CommitVerdict(CommitStatus Status, string Failure, IReadOnlyList<uint> RemovedLeaves, IReadOnlyList<PendingJoiner> Added)
{
    public static CommitVerdict Refused(string failure) => new(CommitStatus.Refused, failure, [], []);

    public static CommitVerdict Stale(string failure) => new(CommitStatus.Stale, failure, [], []);

    public static CommitVerdict Accepted(IReadOnlyList<uint> removed, IReadOnlyList<PendingJoiner> added) => new(CommitStatus.Accepted, string.Empty, removed, added);
}
