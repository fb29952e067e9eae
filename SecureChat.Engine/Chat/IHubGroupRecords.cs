using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Chat;

/// <summary>
/// Where a hub's link hands the v4 records a client sends (PROTOCOL.md 4.1, 4.8), parsed and with their Parts
/// assembled: one method per client -> server record that carries groups. The link's owner sets one per link, so the
/// implementation knows which member sent it. Called in the order the records arrived, outside the link's lock, one
/// call at a time per link, in order with the link's other events.
/// </summary>
internal interface IHubGroupRecords
{
    /// <summary>KeyPackages (0x20): key packages the hub may hand out to add this member to groups.</summary>
    void KeyPackagesReceived(KeyPackagesRecord record);

    /// <summary>GroupCommit (0x22): a commit, and its Welcome, for a group of this member.</summary>
    void GroupCommitReceived(GroupCommitRecord record);

    /// <summary>GroupMessage (0x26): an application message to a group of this member.</summary>
    void GroupMessageReceived(GroupMessageRecord record);
}
