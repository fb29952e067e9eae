using SecureChat.Engine.Hub.Groups;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Tests.Hub.Groups;

/// <summary>
/// Groups formed through the hub's tasks with real MLS commits, and the commit rules of PROTOCOL.md 4.8: the first
/// valid commit of an epoch wins, and a commit that breaks a rule is refused and changes nothing.
/// </summary>
public sealed class CommitOrderTests
{
    private readonly DeliveryHarness _hub = new();

    private static GroupKey Room => GroupKey.ForRoom("#r");

    [Fact]
    public void Three_members_form_a_group_through_the_hub_s_tasks_and_the_roster_matches_their_trees()
    {
        DsMember alice = _hub.Member("Alice"), bob = _hub.Member("Bob"), carol = _hub.Member("Carol");

        _hub.Service.EnterRoom("#r", alice.Identity).Founder.ShouldBeTrue();
        alice.Found(_hub.Service.Find(Room)!.GroupId, _hub.Time);
        _hub.Service.EnterRoom("#r", bob.Identity).Founder.ShouldBeFalse();
        _hub.Output.Take().ShouldBe(["Task Alice epoch=0 removals=[] joiners=[Bob]"]);
        _hub.CarryOutTask("#r");
        _hub.Output.Take().ShouldBe(["Result Alice Accepted epoch=1", "Welcome Bob from Alice"]);
        _hub.Service.EnterRoom("#r", carol.Identity);
        _hub.Output.Take().ShouldBe(["Task Alice epoch=1 removals=[] joiners=[Carol]"]);
        _hub.CarryOutTask("#r");
        _hub.Output.Take().ShouldBe(["Result Alice Accepted epoch=2", "CommitRelay Bob from Alice", "Welcome Carol from Alice"]);

        DeliveryGroup group = _hub.Service.Find(Room)!;
        group.Epoch.ShouldBe(2UL);
        foreach (DsMember member in new[] { alice, bob, carol })
        {
            DeliveryHarness.TreeIdentities(member).ShouldBe(group.Roster.Leaves);
            member.State!.Epoch.ShouldBe(2UL);
        }
    }

    [Fact]
    public void Of_two_commits_for_one_epoch_the_first_is_accepted_and_the_second_is_stale()
    {
        DsMember alice = _hub.Member("Alice"), bob = _hub.Member("Bob");
        _hub.Form("#r", alice, bob);
        var first = alice.BuildCommit([], [], _hub.Time);
        var second = bob.BuildCommit([], [], _hub.Time);

        _hub.Service.Commit(Room, alice.Identity, first.Commit, first.Welcome).Status.ShouldBe(CommitStatus.Accepted);
        _hub.Service.Commit(Room, bob.Identity, second.Commit, second.Welcome).Status.ShouldBe(CommitStatus.Stale);

        _hub.Output.Take().ShouldBe(["Result Alice Accepted epoch=2", "CommitRelay Bob from Alice", "Result Bob Stale epoch=2"]);
    }

    [Fact]
    public void A_commit_adding_a_key_package_the_hub_did_not_hand_out_is_refused()
    {
        DsMember alice = _hub.Member("Alice"), bob = _hub.Member("Bob");
        _hub.Form("#r", alice);
        var mallory = new DsMember("Mallory");
        var commit = alice.BuildCommit([], [mallory.NewKeyPackage(_hub.Time)], _hub.Time);

        RefusedAndUnchanged(alice, commit.Commit, commit.Welcome, "did not hand out");

        _hub.Service.EnterRoom("#r", bob.Identity);
        var unofficial = alice.BuildCommit([], [bob.NewKeyPackage(_hub.Time)], _hub.Time);
        RefusedAndUnchanged(alice, unofficial.Commit, unofficial.Welcome, "did not hand out");
    }

    [Fact]
    public void A_commit_removing_a_member_that_is_not_a_pending_removal_is_refused()
    {
        DsMember alice = _hub.Member("Alice"), bob = _hub.Member("Bob");
        _hub.Form("#r", alice, bob);
        var commit = alice.BuildCommit([1], [], _hub.Time);

        RefusedAndUnchanged(alice, commit.Commit, commit.Welcome, "not a pending removal");
    }

    [Fact]
    public void A_commit_sent_under_another_member_s_leaf_is_refused()
    {
        DsMember alice = _hub.Member("Alice"), bob = _hub.Member("Bob");
        _hub.Form("#r", alice, bob);
        var commit = alice.BuildCommit([], [], _hub.Time);

        RefusedAndUnchanged(bob, commit.Commit, commit.Welcome, "not the committer's");
    }

    [Fact]
    public void A_commit_for_another_group_id_is_refused()
    {
        DsMember alice = _hub.Member("Alice");
        _hub.Form("#r", alice);
        var other = new DsMember("Other");
        other.Found(new byte[16], _hub.Time);
        var commit = other.BuildCommit([], [], _hub.Time);

        RefusedAndUnchanged(alice, commit.Commit, commit.Welcome, "group_id");
    }

    [Fact]
    public void A_commit_whose_welcome_is_missing_or_does_not_match_its_adds_is_refused()
    {
        DsMember alice = _hub.Member("Alice"), bob = _hub.Member("Bob"), carol = _hub.Member("Carol");
        _hub.Form("#r", alice);
        _hub.Service.EnterRoom("#r", bob.Identity);
        var toBob = alice.BuildCommit([], [_hub.Output.LastTask!.Joiners[0].KeyPackage!.Message], _hub.Time);
        var empty = alice.BuildCommit([], [], _hub.Time);

        RefusedAndUnchanged(alice, toBob.Commit, [], "without a welcome");
        RefusedAndUnchanged(alice, empty.Commit, toBob.Welcome, "without adds");

        _hub.Service.EnterRoom("#r", carol.Identity);
        var welcomeForCarolAlone = alice.BuildCommit([], [_hub.Service.Find(Room)!.JoinerOf(carol.Identity)!.KeyPackage!.Message], _hub.Time);
        RefusedAndUnchanged(alice, toBob.Commit, welcomeForCarolAlone.Welcome, "welcome's secrets");
    }

    [Fact]
    public void Anything_but_a_public_commit_by_a_member_with_adds_and_removes_by_value_is_refused()
    {
        DsMember alice = _hub.Member("Alice");
        _hub.Form("#r", alice);
        DeliveryGroup group = _hub.Service.Find(Room)!;
        byte[] Crafted(Sender sender, Commit commit) => MlsMessage.Of(new PublicMessage(
            new FramedContent(group.GroupId, group.Epoch, sender, [], commit), new FramedContentAuthData(new byte[64], new byte[32]), sender.Type == SenderType.Member ? new byte[32] : null)).Encode();

        RefusedAndUnchanged(alice, alice.Message("hi"), [], "not a public message");
        RefusedAndUnchanged(alice, Crafted(Sender.Member(0), new Commit([ProposalOrRef.ByReference(new byte[32])], null)), [], "by reference");
        RefusedAndUnchanged(alice, Crafted(Sender.Member(0), new Commit([ProposalOrRef.Inline(new GroupContextExtensionsProposal([]))], null)), [], "proposal");
        RefusedAndUnchanged(alice, Crafted(Sender.NewMemberCommit, new Commit([], null)), [], "by a member");
        RefusedAndUnchanged(alice, [1, 2, 3], [], "decode");
        _hub.Service.Commit(Room, alice.Identity, Crafted(Sender.Member(0), new Commit([], null)), []).Status.ShouldBe(CommitStatus.Accepted);
    }

    private void RefusedAndUnchanged(DsMember committer, byte[] commit, byte[] welcome, string reason)
    {
        DeliveryGroup group = _hub.Service.Find(Room)!;
        ulong epoch = group.Epoch;
        List<string?> leaves = [.. group.Roster.Leaves];
        int joiners = group.Joiners.Count;
        _hub.Output.Take();

        CommitVerdict verdict = _hub.Service.Commit(Room, committer.Identity, commit, welcome);

        verdict.Status.ShouldBe(CommitStatus.Refused);
        verdict.Failure.ShouldContain(reason);
        _hub.Output.Take().ShouldBe([$"Result {committer.Name} Refused epoch={epoch}"]);
        group.Epoch.ShouldBe(epoch);
        group.Roster.Leaves.ShouldBe(leaves);
        group.Joiners.Count.ShouldBe(joiners);
    }
}
