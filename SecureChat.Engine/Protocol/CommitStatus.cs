namespace SecureChat.Engine.Protocol;

/// <summary>The hub's verdict on a GroupCommit, in a CommitResult (PROTOCOL.md 4.1, 4.8).</summary>
internal enum CommitStatus : byte
{
    /// <summary>The commit is the group's next epoch; the committer applies it now.</summary>
    Accepted = 0,

    /// <summary>Another commit for that epoch came first, or the commit's epoch was not current.</summary>
    Stale = 1,

    /// <summary>The commit broke a rule of the hub's (a sender that is not the link's identity, an untasked add, ...).</summary>
    Refused = 2,
}
