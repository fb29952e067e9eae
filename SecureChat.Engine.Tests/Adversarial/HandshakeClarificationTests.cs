using System.Security.Cryptography;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// Cases PROTOCOL.md 3.1 and 3.3 spell out, checked on 127.0.0.1 against the reference implementation: a reserved
/// flag bit is a protocol violation (Alert 8), and after a puzzle the client sends its early Commit again for a fresh
/// key pair, with the same hello nonce.
/// </summary>
public sealed class HandshakeClarificationTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(0x04)]
    [InlineData(0x80)]
    public async Task A_client_hello_with_a_reserved_flag_bit_is_refused_with_alert_8(byte flag)
    {
        await using LiveServer live = LiveServer.Start();
        await using RawClient attacker = await RawClient.ConnectAsync(live.Port);
        var message = new ClientHello([WireFormat.Version], [(ushort)DhGroupId.Ffdhe2048], flag, RandomNumberGenerator.GetBytes(32), null);
        byte[] hello = new byte[message.Size];
        message.Write(hello);

        await attacker.SendAsync(RawClient.Frame((byte)FrameType.ClientHello, hello));

        (await live.FailureFor(attacker.LocalPort)).Reason.ShouldBe(FailureReason.ProtocolViolation);
        (await attacker.ReadAlertAsync()).ShouldNotBeNull().Code.ShouldBe(AlertCode.ProtocolError);
    }

    [Fact]
    public async Task After_a_puzzle_the_client_sends_its_early_commit_again_for_a_fresh_key_pair_with_the_same_hello_nonce()
    {
        using RawServer server = RawServer.Listen();
        await using var client = new ChatClient(new ChatOptions { Name = "solver" });
        Task connecting = client.ConnectAsync("127.0.0.1", server.Port);

        await using RawClient first = await server.AcceptAsync();
        byte[] hello1 = (await first.ReadFrameAsync()).ShouldNotBeNull();
        byte[] commit1 = (await first.ReadFrameAsync()).ShouldNotBeNull();
        byte[] puzzle = new byte[PuzzleMessage.Size];
        new PuzzleMessage(1, (uint)(DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60), RandomNumberGenerator.GetBytes(32)).Write(puzzle);
        await first.SendAsync(RawClient.Frame((byte)FrameType.Puzzle, puzzle));
        first.HalfClose();

        await using RawClient second = await server.AcceptAsync();
        byte[] hello2 = (await second.ReadFrameAsync()).ShouldNotBeNull();
        byte[] commit2 = (await second.ReadFrameAsync()).ShouldNotBeNull();
        ClientHello.TryParse(hello1.AsSpan(WireFormat.FrameHeaderSize), out ClientHello h1).ShouldBeTrue();
        ClientHello.TryParse(hello2.AsSpan(WireFormat.FrameHeaderSize), out ClientHello h2).ShouldBeTrue();
        output.WriteLine($"first flags 0x{h1.Flags:X2}, answer {h1.Solution is not null}; second flags 0x{h2.Flags:X2}, answer {h2.Solution is not null}; same N_hc {h1.Nonce.SequenceEqual(h2.Nonce)}; commitments differ {!commit1.SequenceEqual(commit2)}");

        ((FrameType)commit1[0], (FrameType)commit2[0]).ShouldBe((FrameType.Commit, FrameType.Commit));
        h2.CommitFollows.ShouldBeTrue("the early Commit is announced again");
        h2.Solution.ShouldNotBeNull();
        h2.Nonce.ShouldBe(h1.Nonce);
        commit2.ShouldNotBe(commit1, "a fresh key pair and commitment nonce");
        second.Abort();
        await Should.ThrowAsync<Exception>(connecting.WaitAsync(Eventually.DefaultTimeout));
    }

    [Fact]
    public async Task A_client_that_closes_tcp_after_the_server_auth_counts_as_a_failed_key_confirmation()
    {
        byte[] passphrase = "tulip-1987"u8.ToArray();
        await using LiveServer live = LiveServer.Start(new ChatOptions { Passphrase = passphrase, PuzzleBits = 8 }, sourceLimits: true);
        (await FirstAnswerType(live.Port)).ShouldBe(FrameType.ServerHello, "before any failure nobody is asked for work");

        // An honest handshake up to the ServerAuth, then the connection is dropped without a word: what a guesser who
        // learnt from the ServerAuth that its passphrase was wrong would do.
        int leaverPort;
        await using (RawClient leaver = await RawClient.ConnectAsync(live.Port, new SessionSettings { Role = SessionRole.Client, Passphrase = passphrase }))
        {
            leaverPort = leaver.LocalPort;
            leaver.Session.Start();
            await leaver.SendAsync(leaver.TakeOutput());
            while (true)
            {
                byte[] frame = (await leaver.ReadFrameAsync()).ShouldNotBeNull("the server closed before its ServerAuth");
                if (frame[0] == (byte)FrameType.ServerAuth)
                {
                    break;
                }

                leaver.Session.Receive(frame);
                if (leaver.Session.KeyDerivationPending)
                {
                    leaver.Session.DeriveKeys();
                }

                await leaver.SendAsync(leaver.TakeOutput());
            }

            leaver.Abort();
        }

        SessionFailure failure = await live.FailureFor(leaverPort);
        FrameType after = await FirstAnswerType(live.Port);
        output.WriteLine($"after a TCP close that followed the ServerAuth (server failure {failure.Reason}), the next ClientHello from that address got a {after}");
        after.ShouldBe(FrameType.Puzzle);
    }

    /// <summary>The type of the server's first answer to a ClientHello with the passphrase flag, on a new connection.</summary>
    private static async Task<FrameType> FirstAnswerType(int port)
    {
        await using RawClient raw = await RawClient.ConnectAsync(port);
        var hello = new ClientHello([WireFormat.Version], [(ushort)DhGroupId.Ffdhe2048], WireFormat.FlagPassphrase, RandomNumberGenerator.GetBytes(32), null);
        byte[] body = new byte[hello.Size];
        hello.Write(body);
        await raw.SendAsync(RawClient.Frame((byte)FrameType.ClientHello, body));
        return (FrameType)(await raw.ReadFrameAsync()).ShouldNotBeNull()[0];
    }

    [Fact]
    public async Task A_stopping_server_sends_close_9_to_secure_clients_and_alert_9_to_those_in_the_handshake()
    {
        await using LiveServer live = LiveServer.Start();
        await using RawClient secure = await RawClient.ConnectAsync(live.Port, new SessionSettings { Role = SessionRole.Client, Name = "secure" });
        (await secure.HandshakeAsync()).ShouldBeTrue();
        await Eventually.True(() => live.Server.SecurePeerCount == 1, "the client to be secure on the server");
        await using RawClient halfway = await RawClient.ConnectAsync(live.Port);
        await Eventually.True(() => live.Server.Peers.Count == 2, "the second connection to be accepted");

        await live.Server.StopAsync();

        var events = new List<SessionEvent>();
        while (!secure.Session.IsEnded && await secure.ReadFrameAsync(TimeSpan.FromSeconds(10)) is { } frame)
        {
            secure.Session.Receive(frame);
            secure.Session.DrainEvents(events);
        }

        AlertMessage? alert = await halfway.ReadAlertAsync(TimeSpan.FromSeconds(10));
        ClosedEvent? closed = events.OfType<ClosedEvent>().FirstOrDefault();
        output.WriteLine($"stop: the secure client got Close {closed?.Code.ToString() ?? "(none)"}; the one in the handshake got Alert {alert?.Code.ToString() ?? "(none)"}/{alert?.Detail}");
        closed.ShouldNotBeNull().Code.ShouldBe(AlertCode.ServerShuttingDown);
        alert.ShouldNotBeNull().Code.ShouldBe(AlertCode.ServerShuttingDown);
        alert.Value.Detail.ShouldBe(0u);
    }
}
