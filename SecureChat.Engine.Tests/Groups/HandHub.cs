using System.Security.Cryptography;
using SecureChat.Engine.Groups;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Tests.Groups;

/// <summary>
/// The hub played by hand, with real records: it founds rooms, enters members, tasks a member, accepts its commit
/// (CommitResult to the committer, CommitRelay to the others, WelcomeRelay to the joiners) and relays messages, each
/// only when a test says so, so a test can also leave a record out, reorder it or forge it.
/// </summary>
internal sealed class HandHub : IDisposable
{
    private readonly List<BookMember> _members = [];

    public GroupClock Clock { get; } = new();

    /// <summary>A member whose link became secure: it sent its key packages, which the hub keeps.</summary>
    public BookMember Connect(string name)
    {
        var member = new BookMember(name, Clock);
        member.Book.LinkSecured();
        member.Take<KeyPackagesRecord>();
        _members.Add(member);
        return member;
    }

    /// <summary>RoomInfo <c>entered</c> with <c>founder</c>: the room's group id.</summary>
    public static byte[] Found(BookMember founder, string room)
    {
        byte[] groupId = RandomNumberGenerator.GetBytes(16);
        founder.Book.RoomEntered(room, founder: true, groupId);
        return groupId;
    }

    /// <summary>RoomInfo <c>entered</c> without founder, Presence <c>member</c> of the others to it, <c>joined</c> of it to them.</summary>
    public static void Enter(BookMember entrant, string room, byte[] groupId, params BookMember[] inRoom)
    {
        entrant.Book.RoomEntered(room, founder: false, groupId);
        foreach (BookMember other in inRoom)
        {
            entrant.Book.MemberAnnounced(room, other.Digest);
            other.Book.MemberAnnounced(room, entrant.Digest);
        }
    }

    /// <summary>A GroupTask to <paramref name="committer"/> at its epoch: the commit it sent (or null when it sent none).</summary>
    public static GroupCommitRecord? Task(BookMember committer, GroupTarget target, BookMember[] joiners, BookMember[] removals)
    {
        GroupState state = committer.Book.StateOf(target).ShouldNotBeNull();
        var task = new GroupTaskRecord(
            target,
            state.GroupId,
            state.Epoch,
            [.. removals.Select(r => r.Digest)],
            [.. joiners.Select(j => new GroupTaskJoiner(j.Digest, j.Name, j.KeyPackagesAtHub.Dequeue()))]);
        committer.Book.GroupTask(task);
        return committer.Take<GroupCommitRecord>().SingleOrDefault();
    }

    /// <summary>Accepts a commit: CommitResult to the committer, CommitRelay to <paramref name="relayTo"/>, WelcomeRelay to <paramref name="welcomeTo"/>.</summary>
    public static void Accept(BookMember committer, GroupCommitRecord commit, BookMember[] relayTo, BookMember[] welcomeTo, ulong newEpoch)
    {
        committer.Book.CommitResult(new CommitResultRecord(commit.Target, CommitStatus.Accepted, GroupIdOf(commit), newEpoch));
        foreach (BookMember other in relayTo)
        {
            other.Book.CommitRelay(new CommitRelayRecord(Seen(commit.Target, committer), committer.Digest, committer.Name, commit.Commit));
        }

        foreach (BookMember joiner in welcomeTo)
        {
            joiner.Book.WelcomeRelay(new WelcomeRelayRecord(Seen(commit.Target, committer), committer.Digest, committer.Name, commit.Welcome));
        }
    }

    /// <summary>Relays <paramref name="message"/> of <paramref name="sender"/> as GroupRelay to each of <paramref name="to"/>.</summary>
    public static void Relay(BookMember sender, GroupMessageRecord message, params BookMember[] to)
    {
        foreach (BookMember receiver in to)
        {
            receiver.Book.GroupRelay(new GroupRelayRecord(Seen(message.Target, sender), sender.Digest, sender.Name, message.Mls));
        }
    }

    /// <summary>A room with <paramref name="members"/>: the first founds it, the next are added by it in one commit, all agree.</summary>
    public static GroupTarget Room(string room, params BookMember[] members)
    {
        var target = GroupTarget.ForRoom(room);
        byte[] groupId = Found(members[0], room);
        if (members.Length > 1)
        {
            for (int i = 1; i < members.Length; i++)
            {
                Enter(members[i], room, groupId, members[..i]);
            }

            GroupCommitRecord commit = Task(members[0], target, [.. members.Skip(1)], []).ShouldNotBeNull();
            Accept(members[0], commit, [], [.. members.Skip(1)], 1);
        }

        foreach (BookMember member in members)
        {
            member.Book.StatusOf(target).ShouldBe(MemberGroupStatus.Member);
        }

        return target;
    }

    /// <summary>The target as <paramref name="receiver"/> sees a record <paramref name="sender"/> sent: a room stays, a person becomes the sender.</summary>
    public static GroupTarget Seen(GroupTarget target, BookMember sender) => target.IsRoom ? target : GroupTarget.ForPerson(sender.Digest);

    public static byte[] GroupIdOf(GroupCommitRecord commit) =>
        SecureChat.Engine.Mls.Messages.MlsMessage.Decode(commit.Commit).PublicMessage!.Content.GroupId;

    public void Dispose()
    {
        foreach (BookMember member in _members)
        {
            member.Dispose();
        }
    }
}
