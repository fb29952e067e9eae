using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Session;

/// <summary>
/// The handshake driven one flight at a time (as wireguard-go's noise_test does): after every step, both sides are
/// where the protocol says and agree on what has been settled so far.
/// </summary>
public sealed class HandshakeStepTests
{
    [Theory]
    [InlineData(DhGroupId.Ffdhe2048, DhGroupId.Ffdhe2048)]
    [InlineData(DhGroupId.Ffdhe2048, DhGroupId.Ffdhe3072)]
    public void After_every_classic_flight_both_sides_agree_on_what_has_been_settled(DhGroupId clientGroup, DhGroupId serverGroup)
    {
        using var pair = new SessionPair(
            SessionPair.Settings(SessionRole.Client, clientGroup, earlyCommit: false),
            SessionPair.Settings(SessionRole.Server, serverGroup));
        pair.Start();
        Stages(pair).ShouldBe((SessionStage.ExchangingKeys, SessionStage.Connected));

        Flight(pair, pair.Client, pair.Server, FrameType.ClientHello, FrameType.ServerHello);
        pair.Server.Group.ShouldBe(serverGroup);
        pair.Server.Iterations.ShouldBe(SessionPair.FastIterations);
        pair.Client.Group.ShouldBeNull("the client learns the group from the ServerHello, not before");

        Flight(pair, pair.Server, pair.Client, FrameType.ServerHello, FrameType.Commit);
        pair.Client.Group.ShouldBe(pair.Server.Group);
        pair.Client.Iterations.ShouldBe(pair.Server.Iterations);
        Stages(pair).ShouldBe((SessionStage.ExchangingKeys, SessionStage.ExchangingKeys));

        Flight(pair, pair.Client, pair.Server, FrameType.Commit, FrameType.KeyShare);
        Stages(pair).ShouldBe((SessionStage.ExchangingKeys, SessionStage.ExchangingKeys));
        pair.Client.Fingerprint.ShouldBeNull();

        // KeyShare -> the client reveals and derives; Reveal -> the server derives and sends its sealed ServerAuth first.
        Flight(pair, pair.Server, pair.Client, FrameType.KeyShare, FrameType.Reveal);
        Stages(pair).ShouldBe((SessionStage.Confirming, SessionStage.ExchangingKeys));
        Flight(pair, pair.Client, pair.Server, FrameType.Reveal, FrameType.ServerAuth);
        Stages(pair).ShouldBe((SessionStage.Confirming, SessionStage.Confirming));
        pair.Client.Fingerprint.ShouldBeNull("keys are shown only once the peer has proved it holds them");
        pair.Client.Peer.ShouldBeNull();

        Flight(pair, pair.Server, pair.Client, FrameType.ServerAuth, FrameType.ClientAuth);
        Stages(pair).ShouldBe((SessionStage.Confirming, SessionStage.Confirming), "the client does not know yet whether the server accepts its ClientAuth");
        pair.Server.Peer.ShouldBeNull("the client has not proved its identity yet");
        Flight(pair, pair.Client, pair.Server, FrameType.ClientAuth, FrameType.Heartbeat);
        Stages(pair).ShouldBe((SessionStage.Confirming, SessionStage.Secure));
        pair.Server.Peer!.PublicKey.ShouldBe(pair.Client.Settings.Identity.PublicKey);
        Flight(pair, pair.Server, pair.Client, FrameType.Heartbeat, FrameType.Heartbeat);
        Stages(pair).ShouldBe((SessionStage.Secure, SessionStage.Secure), "the server's first record after ClientAuth opened");
        Flight(pair, pair.Client, pair.Server, FrameType.Heartbeat, FrameType.Ack); // the client's first lag probe, acknowledged
        Flight(pair, pair.Server, pair.Client, FrameType.Ack, expectedReply: null);
        pair.Client.Peer!.PublicKey.ShouldBe(pair.Server.Settings.Identity.PublicKey);
        pair.Client.Fingerprint.ShouldNotBeNull();
        pair.Client.Fingerprint.ShouldBe(pair.Server.Fingerprint);
        pair.Client.Sas.ShouldBe(pair.Server.Sas);
        pair.Client.Group.ShouldBe(serverGroup);
    }

    [Fact]
    public void A_refused_client_hello_leaves_the_server_in_its_first_stage_until_it_fails()
    {
        using var pair = new SessionPair(
            SessionPair.Settings(SessionRole.Client, DhGroupId.Ffdhe2048, passphrase: "only the client has one"),
            SessionPair.Settings(SessionRole.Server, DhGroupId.Ffdhe2048));
        pair.Start();
        pair.Deliver(pair.Server, pair.Take(pair.Client));
        pair.Server.Stage.ShouldBe(SessionStage.Failed);
        pair.EventsOf<StageChangedEvent>(pair.Server).Select(e => e.Stage).ShouldBe([SessionStage.Failed], "a refused hello never counts as exchanging keys");
        pair.Server.Group.ShouldBeNull();
    }

    private static (SessionStage Client, SessionStage Server) Stages(SessionPair pair) => (pair.Client.Stage, pair.Server.Stage);

    [Theory]
    [InlineData((byte)FrameType.GroupMessage, FailureReason.KeyConfirmationFailed, AlertCode.KeyConfirmationFailed)]
    [InlineData((byte)FrameType.ClientAuth, FailureReason.KeyConfirmationFailed, AlertCode.KeyConfirmationFailed)]
    [InlineData((byte)0x29, FailureReason.KeyConfirmationFailed, AlertCode.KeyConfirmationFailed)]
    [InlineData((byte)0x06, FailureReason.KeyConfirmationFailed, AlertCode.KeyConfirmationFailed)]
    [InlineData((byte)FrameType.Commit, FailureReason.ProtocolViolation, AlertCode.ProtocolError)]
    [InlineData((byte)FrameType.Alert, FailureReason.ProtocolViolation, AlertCode.ProtocolError)]
    public void A_first_record_under_another_type_is_opened_mac_first_and_a_clear_type_is_refused_unread(byte type, FailureReason reason, AlertCode alert)
    {
        // PROTOCOL.md 2 and 3.7: while confirming, a sealed type (assigned or not) is opened first, and the type byte is
        // under the MAC, so the server's ServerAuth relabelled fails as key confirmation (Alert 5); a clear type is a
        // violation without reading (Alert 8; a clear Alert whose body is not 5 bytes is malformed).
        using var pair = SessionPair.Create();
        pair.Start();
        pair.Deliver(pair.Server, pair.Take(pair.Client));
        pair.Deliver(pair.Client, pair.Take(pair.Server));
        pair.Deliver(pair.Server, pair.Take(pair.Client));
        byte[] serverAuth = pair.Take(pair.Server);
        Frames.TypeOf(serverAuth).ShouldBe(FrameType.ServerAuth);
        pair.Client.Stage.ShouldBe(SessionStage.Confirming);

        serverAuth[0] = type;
        pair.Deliver(pair.Client, serverAuth);

        pair.Client.Failure.ShouldNotBeNull().Reason.ShouldBe(reason);
        byte[] sent = pair.Take(pair.Client);
        ((FrameType)sent[0], (AlertCode)sent[WireFormat.FrameHeaderSize]).ShouldBe((FrameType.Alert, alert));
    }

    /// <summary>
    /// Delivers what <paramref name="from"/> wrote, which must be exactly one frame of type <paramref name="sent"/>;
    /// the reply (checked by the next flight) must exist unless <paramref name="expectedReply"/> is null.
    /// </summary>
    private static void Flight(SessionPair pair, SecureSession from, SecureSession to, FrameType sent, FrameType? expectedReply) =>
        Flight(pair, from, to, [sent], expectedReply);

    /// <summary>As above, for a flight of several frames (the early Commit's).</summary>
    internal static void Flight(SessionPair pair, SecureSession from, SecureSession to, FrameType[] sent, FrameType? expectedReply)
    {
        byte[] bytes = pair.Take(from);
        Frames.Split(bytes).Select(Frames.TypeOf).ShouldBe(sent);
        pair.Deliver(to, bytes);
        to.Failure.ShouldBeNull();
        from.Failure.ShouldBeNull();
        to.HasOutput.ShouldBe(expectedReply is not null, $"{to.Role} after {sent}");
    }
}
