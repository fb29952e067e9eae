using SecureChat.Engine.Hub.Groups;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Hub;

/// <summary>
/// Turns what the delivery service tells an identity into records for its links (PROTOCOL.md 4.8): the group's
/// target as the receiver sees it (the room, or the other person of a direct conversation), digests and names for the
/// committer and the joiners. Called under the hub's lock; not thread-safe by itself.
/// </summary>
internal sealed class HubGroupOutput(HubState state) : IDeliveryOutput
{
    public void Founded(string identity, GroupKey group, byte[] groupId)
    {
        if (state.Rooms.GetValueOrDefault(group.RoomKey) is not { } room)
        {
            return;
        }

        foreach (HubMember link in state.LinksOf(identity))
        {
            link.Output.SendRoomInfo(RoomNoticeKind.Entered, room.Name, (byte)(HubGroups.RoomFlags(room, link) | HubGroups.FounderFlag), (uint)room.Count, room.Topic, groupId);
        }
    }

    public void Task(string identity, GroupKey group, byte[] groupId, ulong epoch, GroupTask task)
    {
        List<byte[]> removals = [.. task.Removals.Select(Convert.FromHexString)];
        List<GroupTaskJoiner> joiners = [.. task.Joiners.Select(j => new GroupTaskJoiner(Convert.FromHexString(j.Identity), state.NameOf(j.Identity), j.KeyPackage!.Message))];
        foreach (HubMember link in state.LinksOf(identity))
        {
            link.Output.SendGroupTask(new GroupTaskRecord(Target(group, identity), groupId, epoch, removals, joiners));
        }
    }

    public void CommitResult(string identity, GroupKey group, CommitStatus status, byte[] groupId, ulong epoch)
    {
        foreach (HubMember link in state.LinksOf(identity))
        {
            link.Output.SendCommitResult(new CommitResultRecord(Target(group, identity), status, groupId, epoch));
        }
    }

    public void CommitRelay(string identity, GroupKey group, string committer, byte[] commit)
    {
        foreach (HubMember link in state.LinksOf(identity))
        {
            link.Output.SendCommitRelay(new CommitRelayRecord(Target(group, identity), Convert.FromHexString(committer), state.NameOf(committer), commit));
        }
    }

    public void WelcomeRelay(string identity, GroupKey group, string committer, byte[] welcome)
    {
        foreach (HubMember link in state.LinksOf(identity))
        {
            link.Output.SendWelcomeRelay(new WelcomeRelayRecord(Target(group, identity), Convert.FromHexString(committer), state.NameOf(committer), welcome));
        }
    }

    public void FewKeyPackages(string identity, int count)
    {
        foreach (HubMember link in state.LinksOf(identity))
        {
            link.Output.SendReply(ReplyCode.FewKeyPackages, HubGroups.KeyPackagesOp, string.Empty, HubState.Nobody, string.Empty, count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>The group's target as <paramref name="receiver"/> names it: the room as the hub spells it, or the other person.</summary>
    public GroupTarget Target(GroupKey group, string receiver) =>
        group.IsDirect
            ? GroupTarget.ForPerson(Convert.FromHexString(group.OtherThan(receiver)))
            : GroupTarget.ForRoom(state.Rooms.GetValueOrDefault(group.RoomKey)?.Name ?? group.RoomKey);
}
