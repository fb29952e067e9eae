namespace SecureChat.Engine.Groups;

/// <summary>A member's state of one group (PROTOCOL.md section 7, "A member's state per group").</summary>
public enum MemberGroupStatus
{
    /// <summary>No usable state: nothing can be sent or read.</summary>
    NoGroup,

    /// <summary>The hub will add this member; its texts wait for the Welcome.</summary>
    AwaitingWelcome,

    /// <summary>In the group: texts go out at once.</summary>
    Member,

    /// <summary>Someone who left is still in the tree: texts wait until a commit removes them.</summary>
    Holding,

    /// <summary>A commit of this member awaits its CommitResult: texts wait for it.</summary>
    Committing,
}
