using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Chat;

/// <summary>
/// Where a client's link hands the v4 records its hub sends (PROTOCOL.md 4.1, 4.8), parsed and with their Parts
/// assembled: one method per server -> client record that carries groups. The link's owner sets it. Called in the
/// order the records arrived, outside the link's lock, one call at a time, in order with the link's other events
/// (so a Presence that names a sender comes before the GroupRelay it sent).
/// </summary>
internal interface IMemberGroupRecords
{
    /// <summary>GroupTask (0x21): the hub designates this member to commit a group's epoch.</summary>
    void GroupTaskReceived(GroupTaskRecord record);

    /// <summary>CommitResult (0x23): the hub's answer to one of this member's GroupCommits, in order.</summary>
    void CommitResultReceived(CommitResultRecord record);

    /// <summary>CommitRelay (0x24): another member's accepted commit.</summary>
    void CommitRelayReceived(CommitRelayRecord record);

    /// <summary>WelcomeRelay (0x25): the Welcome of an accepted commit that adds this member.</summary>
    void WelcomeRelayReceived(WelcomeRelayRecord record);

    /// <summary>GroupRelay (0x27): another member's message to a group.</summary>
    void GroupRelayReceived(GroupRelayRecord record);

    /// <summary>KeyPackageRelay (0x28): the answer to a Request <c>key package</c>.</summary>
    void KeyPackageRelayReceived(KeyPackageRelayRecord record);
}
