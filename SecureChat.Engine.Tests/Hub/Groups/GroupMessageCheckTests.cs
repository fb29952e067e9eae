using SecureChat.Engine.Hub.Groups;

namespace SecureChat.Engine.Tests.Hub.Groups;

/// <summary>Which GroupMessages the hub relays, and to whom (PROTOCOL.md 4.8): it reads only the PrivateMessage's clear fields.</summary>
public sealed class GroupMessageCheckTests
{
    private readonly DeliveryHarness _hub = new();
    private readonly DsMember _alice, _bob, _carol;
    private readonly DeliveryGroup _group;

    public GroupMessageCheckTests()
    {
        _alice = _hub.Member("Alice");
        _bob = _hub.Member("Bob");
        _carol = _hub.Member("Carol");
        _group = _hub.Form("#r", _alice, _bob, _carol);
    }

    [Fact]
    public void A_member_s_message_of_the_current_epoch_is_relayed_to_every_other_member()
    {
        MessageCheck.Check(_group, _bob.Identity, _bob.Message("hi"), muted: false).ShouldBe(MessageVerdict.Relay);
        MessageCheck.Recipients(_group, _bob.Identity).ShouldBe([_alice.Identity, _carol.Identity]);
    }

    [Fact]
    public void A_message_from_an_identity_without_a_leaf_is_not_member()
    {
        var mallory = new DsMember("Mallory");
        mallory.Found(_group.GroupId, _hub.Time);

        MessageCheck.Check(_group, mallory.Identity, mallory.Message("let me in"), muted: false).ShouldBe(MessageVerdict.NotMember);
        MessageCheck.Check(null, _bob.Identity, _bob.Message("no group"), muted: false).ShouldBe(MessageVerdict.NotMember);
    }

    [Fact]
    public void A_member_about_to_be_removed_can_no_longer_send_nor_is_sent_to()
    {
        _hub.Service.LeaveRoom("#r", _carol.Identity);

        MessageCheck.Check(_group, _carol.Identity, _carol.Message("still here?"), muted: false).ShouldBe(MessageVerdict.NotMember);
        MessageCheck.Recipients(_group, _bob.Identity).ShouldBe([_alice.Identity]);
    }

    [Fact]
    public void A_muted_member_s_message_is_refused()
    {
        MessageCheck.Check(_group, _bob.Identity, _bob.Message("hi"), muted: true).ShouldBe(MessageVerdict.Muted);
    }

    [Fact]
    public void A_message_of_an_earlier_epoch_is_stale()
    {
        byte[] old = _bob.Message("before the commit");
        _hub.Service.Resync(GroupKey.ForRoom("#r"), _carol.Identity);
        _hub.CarryOutTask("#r");

        MessageCheck.Check(_group, _bob.Identity, old, muted: false).ShouldBe(MessageVerdict.StaleEpoch);
        MessageCheck.Check(_group, _bob.Identity, _bob.Message("after"), muted: false).ShouldBe(MessageVerdict.Relay);
    }

    [Fact]
    public void A_message_of_another_group_id_is_stale()
    {
        var other = new DsMember("Other");
        other.Found(new byte[16], _hub.Time);

        MessageCheck.Check(_group, _bob.Identity, other.Message("elsewhere"), muted: false).ShouldBe(MessageVerdict.StaleEpoch);
    }

    [Fact]
    public void Anything_but_one_application_private_message_is_a_violation()
    {
        byte[] message = _bob.Message("hi");
        var commit = _bob.BuildCommit([], [], _hub.Time);

        MessageCheck.Check(_group, _bob.Identity, [.. message, 0], muted: false).ShouldBe(MessageVerdict.Violation);
        MessageCheck.Check(_group, _bob.Identity, commit.Commit, muted: false).ShouldBe(MessageVerdict.Violation);
        MessageCheck.Check(_group, _bob.Identity, _bob.NewKeyPackage(_hub.Time), muted: false).ShouldBe(MessageVerdict.Violation);
        MessageCheck.Check(_group, _bob.Identity, [], muted: false).ShouldBe(MessageVerdict.Violation);
    }
}
