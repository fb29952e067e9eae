namespace SecureChat.Engine.Groups;

/// <summary>What a <see cref="GroupNotice"/> tells the user about a group.</summary>
public enum GroupNoticeKind
{
    /// <summary>A commit added someone (<see cref="GroupNotice.Subject"/>), by <see cref="GroupNotice.Actor"/>.</summary>
    MemberAdded,

    /// <summary>A commit removed someone (<see cref="GroupNotice.Subject"/>), by <see cref="GroupNotice.Actor"/>.</summary>
    MemberRemoved,

    /// <summary>This member joined the group from a Welcome, or created it.</summary>
    Joined,

    /// <summary>A relayed message, commit or Welcome failed a check and was dropped; the text says why.</summary>
    Dropped,

    /// <summary>Texts to the group are held until a commit removes someone who left.</summary>
    Holding,

    /// <summary>Held texts are sent again.</summary>
    Released,

    /// <summary>This member's state and the group's differ: the state was dropped and a resync asked for.</summary>
    Forked,

    /// <summary>The group's tree differs from the members the hub announced; the text says how.</summary>
    RosterMismatch,

    /// <summary>This member was removed from the group, or the hub started the group anew.</summary>
    Left,

    /// <summary>A direct conversation could not be started; the text says why and what was not sent.</summary>
    NotStarted,
}
