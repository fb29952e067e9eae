using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Session;

/// <summary>
/// Close 14 Replaced (PROTOCOL.md 6): a hub closes a link for a newer one of the same identity with a sealed Close 14;
/// the client's session ends closed (cleanly), with the reason kept so it says that the identity is in use elsewhere,
/// and a client does not reconnect on its own after it.
/// </summary>
public sealed class ReplacedCloseTests(ITestOutputHelper output)
{
    [Fact]
    public void A_hub_s_close_14_ends_the_client_closed_with_the_reason_that_its_identity_is_in_use_elsewhere()
    {
        using SessionPair pair = SessionPair.Established();
        pair.Server.Fail(FailureReason.Replaced);
        pair.Pump();

        pair.EventsOf<ClosedEvent>(pair.Client).ShouldHaveSingleItem().ShouldBe(new ClosedEvent(ByPeer: true, AlertCode.Replaced, Undelivered: 0));
        pair.Client.Stage.ShouldBe(SessionStage.Closed);
        SessionFailure reason = pair.Client.Failure.ShouldNotBeNull();
        output.WriteLine(reason.Message);
        reason.Reason.ShouldBe(FailureReason.Replaced);
        reason.Message.ShouldContain("in use elsewhere");
        ((byte)AlertCode.Replaced).ShouldBe((byte)14);
        AlertMapping.CodeFor(FailureReason.Replaced).ShouldBe(AlertCode.Replaced);
    }

    [Fact]
    public void A_close_14_from_a_client_is_a_clean_close_like_any_other_code()
    {
        using SessionPair pair = SessionPair.Established();
        pair.Client.Close(AlertCode.Replaced);
        pair.Pump();

        pair.Server.Stage.ShouldBe(SessionStage.Closed);
        pair.Server.Failure.ShouldBeNull();
    }

    [Fact]
    public void A_replaced_link_is_not_reconnected_on_its_own()
    {
        ReconnectLoop.Stops(FailureReason.Replaced).ShouldBeTrue();
        ReconnectLoop.Stops(FailureReason.ConnectionLost).ShouldBeFalse();
    }
}
