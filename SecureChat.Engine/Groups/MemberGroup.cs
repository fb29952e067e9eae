using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Groups;

/// <summary>
/// One room's or direct conversation's group as this member holds it (PROTOCOL.md section 7, "A member's state per
/// group"): the MLS state when it has one, its commit awaiting a CommitResult, the people it holds its texts for,
/// the texts waiting to go out and those sent but not yet covered by an Ack. <see cref="Status"/> follows from these.
/// Not thread-safe: the <see cref="GroupBook"/> that owns it serialises every change.
/// </summary>
internal sealed class MemberGroup(GroupTarget target)
{
    public GroupTarget Target { get; } = target;

    /// <summary>The group's state at this member's epoch, or null (NoGroup or AwaitingWelcome).</summary>
    public GroupState? State { get; set; }

    /// <summary>The group id the hub announced for a room (RoomInfo <c>entered</c>), when known.</summary>
    public byte[]? AnnouncedGroupId { get; set; }

    /// <summary>True once the hub is expected to add this member (a room entered, a resync asked, a creation lost).</summary>
    public bool AwaitingWelcome { get; set; }

    /// <summary>
    /// True from a new link until the hub's RoomInfo <c>entered</c> on it names the room's group: a stored state may be
    /// of a group the hub no longer has (it restarted), so nothing is sent in it before then.
    /// </summary>
    public bool AwaitingRoomInfo { get; set; }

    /// <summary>True once this member had a state of the group: a later Welcome means it missed messages.</summary>
    public bool HadState { get; set; }

    /// <summary>This member's own commit awaiting its CommitResult; null when none or superseded by another's.</summary>
    public PendingCommit? Pending { get; set; }

    /// <summary>True when <see cref="Pending"/> is a self-update (an empty commit).</summary>
    public bool PendingIsUpdate { get; set; }

    /// <summary>True when <see cref="Pending"/> creates a direct conversation (its state is epoch 0's).</summary>
    public bool PendingCreates { get; set; }

    /// <summary>GroupCommits sent and not yet answered by a CommitResult.</summary>
    public int CommitsOutstanding { get; set; }

    /// <summary>Identity digests (lowercase hexadecimal) of people who left while still in the tree.</summary>
    public HashSet<string> Held { get; } = [];

    /// <summary>Texts waiting for the group to be usable, oldest first.</summary>
    public List<string> Outgoing { get; } = [];

    /// <summary>
    /// The texts at the head of <see cref="Outgoing"/> that are refused ones to send again: the place of each in the
    /// order the texts were first sent, so texts refused later take their places among them.
    /// </summary>
    public List<long> Resends { get; } = [];

    /// <summary>The place in the order of first sending the next new text takes.</summary>
    public long NextPlace { get; set; }

    /// <summary>Texts sent and not yet covered by an Ack: the epoch they were encrypted in, their record's sequence number and their place in the order first sent.</summary>
    public List<(string Text, ulong Epoch, ulong Sequence, long Place)> InFlight { get; } = [];

    /// <summary>Reply <c>stale epoch</c>s not yet matched to a text: for each, the epoch this member was at when it came.</summary>
    public List<ulong> StaleReplies { get; } = [];

    /// <summary>How many of <see cref="StaleReplies"/> came before the last Ack (those it covers the texts of).</summary>
    public int RepliesBeforeAck { get; set; }

    /// <summary>Texts sent since this member last renewed its leaf.</summary>
    public int SentSinceUpdate { get; set; }

    /// <summary>When this member last renewed its leaf in the group (or joined it).</summary>
    public DateTimeOffset LastUpdate { get; set; }

    /// <summary>True while a <c>key package</c> Request for a direct conversation awaits its answer.</summary>
    public bool KeyPackageRequested { get; set; }

    public MemberGroupStatus Status =>
        CommitsOutstanding > 0 ? MemberGroupStatus.Committing
        : State is null || AwaitingRoomInfo ? (AwaitingWelcome || KeyPackageRequested || AwaitingRoomInfo ? MemberGroupStatus.AwaitingWelcome : MemberGroupStatus.NoGroup)
        : Held.Count > 0 ? MemberGroupStatus.Holding
        : MemberGroupStatus.Member;

    /// <summary>
    /// Drops the MLS state and the pending commit, wiping their secrets. The texts in flight were encrypted in that
    /// state, which the hub no longer takes: they go back ahead of the waiting ones, in the order first sent, to be
    /// sent in the group this member is added to next (PROTOCOL.md 4.9: texts it queued are never dropped).
    /// </summary>
    public void DropState()
    {
        Pending?.Discard();
        Pending = null;
        PendingIsUpdate = PendingCreates = false;
        State?.Dispose();
        State = null;
        Held.Clear();
        PutBack(InFlight);
        InFlight.Clear();
        StaleReplies.Clear();
        RepliesBeforeAck = 0;
    }

    /// <summary>Puts texts sent but not delivered back at the head of <see cref="Outgoing"/>, each in its place among the resends.</summary>
    public void PutBack(IEnumerable<(string Text, ulong Epoch, ulong Sequence, long Place)> texts)
    {
        foreach (var text in texts.OrderBy(t => t.Place).ToList())
        {
            int at = Resends.FindIndex(place => place > text.Place) is var i and >= 0 ? i : Resends.Count;
            Outgoing.Insert(Math.Min(at, Outgoing.Count), text.Text);
            Resends.Insert(at, text.Place);
        }
    }
}
