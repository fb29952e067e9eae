using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Session.Handshake;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Session;

/// <summary>
/// The client's early Commit (PROTOCOL.md 3.5): without a passphrase the Commit for the first group offered follows
/// the ClientHello at once, and the server answers ServerHello and KeyShare in one flight, one round trip fewer. When
/// the server picks another group it skips that Commit and the client sends a fresh one. Each flight is checked.
/// </summary>
public sealed class EarlyCommitTests
{
    [Fact]
    public void With_the_group_the_client_offered_first_the_handshake_takes_one_round_trip_fewer()
    {
        using var pair = SessionPair.Create();
        pair.Start();

        HandshakeStepTests.Flight(pair, pair.Client, pair.Server, [FrameType.ClientHello, FrameType.Commit], FrameType.ServerHello);
        HandshakeStepTests.Flight(pair, pair.Server, pair.Client, [FrameType.ServerHello, FrameType.KeyShare], FrameType.Reveal);
        pair.Client.Stage.ShouldBe(SessionStage.Confirming);
        HandshakeStepTests.Flight(pair, pair.Client, pair.Server, [FrameType.Reveal], FrameType.ServerAuth);
        HandshakeStepTests.Flight(pair, pair.Server, pair.Client, [FrameType.ServerAuth], FrameType.ClientAuth);
        HandshakeStepTests.Flight(pair, pair.Client, pair.Server, [FrameType.ClientAuth], FrameType.Heartbeat);
        HandshakeStepTests.Flight(pair, pair.Server, pair.Client, [FrameType.Heartbeat], FrameType.Heartbeat);
        HandshakeStepTests.Flight(pair, pair.Client, pair.Server, [FrameType.Heartbeat], FrameType.Ack);
        HandshakeStepTests.Flight(pair, pair.Server, pair.Client, [FrameType.Ack], expectedReply: null);

        pair.Client.Stage.ShouldBe(SessionStage.Secure);
        pair.Server.Stage.ShouldBe(SessionStage.Secure);
        pair.Client.Fingerprint.ShouldBe(pair.Server.Fingerprint);
        pair.Client.Sas.ShouldBe(pair.Server.Sas);
    }

    [Fact]
    public void A_server_that_chooses_another_group_skips_the_early_commit_and_takes_a_fresh_one()
    {
        using var pair = new SessionPair(
            SessionPair.Settings(SessionRole.Client, DhGroupId.Ffdhe2048),
            SessionPair.Settings(SessionRole.Server, DhGroupId.Ffdhe3072));
        pair.Start();

        // The server answers the hello alone: the Commit that came with it was for ffdhe2048.
        HandshakeStepTests.Flight(pair, pair.Client, pair.Server, [FrameType.ClientHello, FrameType.Commit], FrameType.ServerHello);
        HandshakeStepTests.Flight(pair, pair.Server, pair.Client, [FrameType.ServerHello], FrameType.Commit);
        pair.Client.Group.ShouldBe(DhGroupId.Ffdhe3072);
        HandshakeStepTests.Flight(pair, pair.Client, pair.Server, [FrameType.Commit], FrameType.KeyShare);
        HandshakeStepTests.Flight(pair, pair.Server, pair.Client, [FrameType.KeyShare], FrameType.Reveal);
        pair.Pump();

        pair.Client.Stage.ShouldBe(SessionStage.Secure, pair.Client.Failure?.Message);
        pair.Server.Stage.ShouldBe(SessionStage.Secure, pair.Server.Failure?.Message);
        pair.Client.Fingerprint.ShouldBe(pair.Server.Fingerprint);
    }

    [Fact]
    public void A_client_hello_announcing_an_early_commit_with_a_passphrase_is_a_protocol_violation()
    {
        using var pair = SessionPair.Create(serverPassphrase: "shared", clientPassphrase: "shared");
        pair.Start();
        _ = pair.Take(pair.Client);

        pair.Deliver(pair.Server, HelloFrame(WireFormat.FlagPassphrase | WireFormat.FlagEarlyCommit));

        pair.Server.Failure.ShouldNotBeNull().Reason.ShouldBe(FailureReason.ProtocolViolation);
        pair.Server.Failure!.Message.ShouldContain("early Commit with a passphrase");
        AlertOf(pair.Take(pair.Server)).Code.ShouldBe(AlertCode.ProtocolError);
    }

    [Fact]
    public void A_client_with_a_passphrase_never_announces_an_early_commit()
    {
        using var pair = SessionPair.Create(serverPassphrase: "shared", clientPassphrase: "shared");
        pair.Start();
        List<byte[]> frames = Frames.Split(pair.Take(pair.Client));
        frames.Select(Frames.TypeOf).ShouldBe([FrameType.ClientHello], "the CPace generator needs the server's nonce");
        ClientHello.TryParse(Frames.BodyOf(frames[0]), out ClientHello hello).ShouldBeTrue();
        hello.CommitFollows.ShouldBeFalse();
    }

    [Fact]
    public void A_server_hello_that_drops_the_early_commit_flag_is_refused_by_the_client()
    {
        // A server (or a man in the middle) answering as if no Commit had been sent: the client would otherwise
        // wait for a KeyShare that never comes, or take one for a Commit the server did not count.
        using var pair = SessionPair.Create();
        pair.Start();
        _ = pair.Take(pair.Client);
        byte[] nonce = new byte[WireFormat.NonceSize];
        byte[] body = new byte[ServerHello.Size];
        new ServerHello(WireFormat.Version, (ushort)DhGroupId.Ffdhe2048, SessionPair.FastIterations, 0, nonce).Write(body);

        pair.Deliver(pair.Client, Frames.Build(FrameType.ServerHello, body));

        pair.Client.Failure.ShouldNotBeNull().Reason.ShouldBe(FailureReason.ProtocolViolation);
        AlertOf(pair.Take(pair.Client)).Code.ShouldBe(AlertCode.ProtocolError);
    }

    [Theory]
    [InlineData(DhGroupId.Ffdhe2048)] // the Commit the server waits for
    [InlineData(DhGroupId.Ffdhe3072)] // the Commit the server skips
    public void A_malformed_early_commit_is_a_protocol_violation_whether_it_stands_or_is_skipped(DhGroupId serverGroup)
    {
        using var pair = new SessionPair(SessionPair.Settings(SessionRole.Client), SessionPair.Settings(SessionRole.Server, serverGroup));
        pair.Start();
        List<byte[]> flight = Frames.Split(pair.Take(pair.Client));

        pair.Deliver(pair.Server, [.. flight[0], .. Frames.Build(FrameType.Commit, new byte[WireFormat.CommitmentSize - 1])]);

        pair.Server.Failure.ShouldNotBeNull().Reason.ShouldBe(FailureReason.ProtocolViolation);
        pair.Server.Failure!.Message.ShouldContain("bad Commit");
    }

    [Theory]
    [InlineData(DhGroupId.Ffdhe2048, "", true, DhGroupId.Ffdhe2048)]
    [InlineData(DhGroupId.Ffdhe3072, "", true, DhGroupId.Ffdhe3072)]
    [InlineData(DhGroupId.Ffdhe2048, "shared", true, null)] // a CPace pair needs the server's nonce
    [InlineData(DhGroupId.Ffdhe2048, "", false, null)]
    public void The_group_a_client_prepares_its_pair_for_is_the_one_its_hello_commits_to(DhGroupId group, string passphrase, bool earlyCommit, DhGroupId? expected)
    {
        // ChatClient makes the early Commit's key pair while its connection opens, by this decision; the hello's flag
        // and the Commit that follows it go by the same one.
        SessionSettings settings = SessionPair.Settings(SessionRole.Client, group, passphrase: passphrase, earlyCommit: earlyCommit);

        DhGroup? decided = Negotiation.EarlyCommitGroup(settings);

        decided?.Id.ShouldBe(expected.ShouldNotBeNull());
        (decided is null).ShouldBe(expected is null);
        Negotiation.CreateClientHello(settings, new byte[WireFormat.NonceSize], null).CommitFollows.ShouldBe(expected is not null);
        using var pair = new SessionPair(settings, SessionPair.Settings(SessionRole.Server, group, passphrase: passphrase));
        pair.Start();
        List<byte[]> flight = Frames.Split(pair.Take(pair.Client));
        flight.Count.ShouldBe(expected is null ? 1 : 2);
    }

    [Fact]
    public async Task A_live_client_s_commit_reaches_the_server_before_the_server_has_answered_anything()
    {
        using RawServer server = RawServer.Listen();
        await using var client = new ChatClient(new ChatOptions());
        Task connecting = client.ConnectAsync("127.0.0.1", server.Port);

        byte[] hello, commit;
        await using (RawClient accepted = await server.AcceptAsync())
        {
            hello = (await accepted.ReadFrameAsync(TimeSpan.FromSeconds(10))).ShouldNotBeNull();
            commit = (await accepted.ReadFrameAsync(TimeSpan.FromSeconds(10))).ShouldNotBeNull("the Commit comes without a ServerHello");
        }

        (await Should.ThrowAsync<ChatConnectionException>(connecting.WaitAsync(TimeSpan.FromSeconds(10)))).Failure.Reason.ShouldBe(FailureReason.ConnectionLost);

        Frames.TypeOf(hello).ShouldBe(FrameType.ClientHello);
        Frames.TypeOf(commit).ShouldBe(FrameType.Commit);
        ClientHello.TryParse(Frames.BodyOf(hello), out ClientHello parsed).ShouldBeTrue();
        parsed.CommitFollows.ShouldBeTrue();
    }

    private static byte[] HelloFrame(byte flags)
    {
        var hello = new ClientHello([WireFormat.Version], [(ushort)DhGroupId.Ffdhe2048], flags, new byte[WireFormat.NonceSize], null);
        byte[] body = new byte[hello.Size];
        hello.Write(body);
        return Frames.Build(FrameType.ClientHello, body);
    }

    private static AlertMessage AlertOf(byte[] bytes)
    {
        byte[] frame = Frames.Split(bytes).Last();
        Frames.TypeOf(frame).ShouldBe(FrameType.Alert);
        AlertMessage.TryParse(Frames.BodyOf(frame), out AlertMessage alert).ShouldBeTrue();
        return alert;
    }
}
