using SecureChat.Engine.Hub.Groups;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Tests.Hub.Groups;

/// <summary>Direct conversations (PROTOCOL.md 4.8): keyed by the unordered pair, created by the first commit at epoch 0.</summary>
public sealed class DirectConversationTests
{
    private readonly DeliveryHarness _hub = new();
    private readonly DsMember _alice, _bob;

    public DirectConversationTests()
    {
        _alice = _hub.Member("Alice");
        _bob = _hub.Member("Bob");
    }

    private GroupKey Pair => GroupKey.ForPair(_alice.Identity, _bob.Identity);

    private (byte[] Commit, byte[] Welcome) Create(DsMember creator, byte[] keyPackage)
    {
        creator.Found(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16), _hub.Time);
        var built = creator.BuildCommit([], [keyPackage], _hub.Time);
        return (built.Commit, built.Welcome);
    }

    [Fact]
    public void Either_person_names_the_same_conversation()
    {
        GroupKey.ForPair(_bob.Identity, _alice.Identity).ShouldBe(Pair);
    }

    [Fact]
    public void The_first_commit_adding_the_handed_out_key_package_creates_the_group_and_the_other_s_concurrent_one_is_stale()
    {
        StoredKeyPackage forAlice = _hub.Service.TakeKeyPackageFor(_alice.Identity, _bob.Identity)!;
        StoredKeyPackage forBob = _hub.Service.TakeKeyPackageFor(_bob.Identity, _alice.Identity)!;
        var byAlice = Create(_alice, forAlice.Message);
        var byBob = Create(_bob, forBob.Message);

        _hub.Service.Commit(Pair, _alice.Identity, byAlice.Commit, byAlice.Welcome).Status.ShouldBe(CommitStatus.Accepted);
        _hub.Service.Commit(Pair, _bob.Identity, byBob.Commit, byBob.Welcome).Status.ShouldBe(CommitStatus.Stale);

        _hub.Output.Take().ShouldBe(["Result Alice Accepted epoch=1", "Welcome Bob from Alice", "Result Bob Stale epoch=1"]);
        _bob.Join(_hub.Output.Welcomes[_bob.Identity], forAlice.Message);
        DeliveryHarness.TreeIdentities(_bob).ShouldBe(_hub.Service.Find(Pair)!.Roster.Leaves);
        MessageCheck.Check(_hub.Service.Find(Pair), _bob.Identity, _bob.Message("hello"), muted: false).ShouldBe(MessageVerdict.Relay);
    }

    [Fact]
    public void A_first_commit_adding_a_key_package_the_hub_did_not_hand_out_is_refused()
    {
        var own = Create(_alice, _bob.NewKeyPackage(_hub.Time));

        _hub.Service.Commit(Pair, _alice.Identity, own.Commit, own.Welcome).Status.ShouldBe(CommitStatus.Refused);
        _hub.Service.Find(Pair).ShouldBeNull();

        DsMember carol = _hub.Member("Carol");
        StoredKeyPackage forCarol = _hub.Service.TakeKeyPackageFor(carol.Identity, _bob.Identity)!;
        var borrowed = Create(_alice, forCarol.Message);
        _hub.Service.Commit(Pair, _alice.Identity, borrowed.Commit, borrowed.Welcome).Status.ShouldBe(CommitStatus.Refused);
        _hub.Service.Find(Pair).ShouldBeNull();
    }

    [Fact]
    public void A_person_without_key_packages_gets_none_handed_out()
    {
        var carol = new DsMember("Carol");

        _hub.Service.TakeKeyPackageFor(_alice.Identity, carol.Identity).ShouldBeNull();
    }

    [Fact]
    public void Resync_of_a_conversation_tasks_its_other_member()
    {
        StoredKeyPackage forAlice = _hub.Service.TakeKeyPackageFor(_alice.Identity, _bob.Identity)!;
        var byAlice = Create(_alice, forAlice.Message);
        _hub.Service.Commit(Pair, _alice.Identity, byAlice.Commit, byAlice.Welcome);
        _hub.Output.Take();

        _hub.Service.Resync(Pair, _bob.Identity).ShouldBeTrue();

        _hub.Output.Take().ShouldBe(["Task Alice epoch=1 removals=[Bob] joiners=[Bob]"]);
    }
}
