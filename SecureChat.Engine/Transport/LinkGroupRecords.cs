using SecureChat.Engine.Chat;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Transport;

/// <summary>
/// A client link's group records handed to the hub (PROTOCOL.md 4.8): KeyPackages, GroupCommit and GroupMessage go to
/// the router as the link's member; a GroupMessage whose <c>mls</c> is not an application message fails the link
/// (Close 8). Records of a link that is not (or no longer) a member are dropped. Thread-safe.
/// </summary>
internal sealed class LinkGroupRecords(Link link, ServerHub hub) : IHubGroupRecords
{
    public void KeyPackagesReceived(KeyPackagesRecord record)
    {
        if (hub.MemberOf(link) is { } member)
        {
            hub.Router.KeyPackages(member, record);
        }
    }

    public void GroupCommitReceived(GroupCommitRecord record)
    {
        if (hub.MemberOf(link) is { } member)
        {
            hub.Router.GroupCommit(member, record);
        }
    }

    public void GroupMessageReceived(GroupMessageRecord record)
    {
        if (hub.MemberOf(link) is { } member && hub.GroupMessage(member, record) < 0)
        {
            link.Fail(FailureReason.ProtocolViolation, "a GroupMessage that is not one MLS application message (PrivateMessage)");
        }
    }
}
