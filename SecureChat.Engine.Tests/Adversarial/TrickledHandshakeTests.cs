using System.Security.Cryptography;
using System.Text;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// Handshakes delivered to a live hub one byte per write, in every supported group, with and without a passphrase
/// (CPace) and with and without a puzzle first (the ClientHello that gets the Puzzle, and the one with the answer, are
/// trickled too): the hub's frame gathering must never mistake a partial frame for a whole one, whatever the sizes
/// the group and the options give the messages. The session-level tests (HandshakeTests) trickle within one
/// process; these go through the hub's sockets, admission and puzzle gate.
/// </summary>
public sealed class TrickledHandshakeTests
{
    private static readonly TimeSpan s_read = TimeSpan.FromSeconds(20);

    public static TheoryData<DhGroupId, bool, bool> Cases()
    {
        var cases = new TheoryData<DhGroupId, bool, bool>();
        foreach (DhGroup group in DhGroup.All)
        {
            foreach (bool passphrase in new[] { false, true })
            {
                foreach (bool puzzle in new[] { false, true })
                {
                    cases.Add(group.Id, passphrase, puzzle);
                }
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_handshake_and_a_message_trickled_one_byte_at_a_time_succeed(DhGroupId group, bool passphrase, bool puzzle)
    {
        byte[] secret = passphrase ? Encoding.UTF8.GetBytes("tulip-1987") : [];
        await using LiveServer live = LiveServer.Start(new ChatOptions
        {
            Group = group,
            Passphrase = secret,
            Puzzle = puzzle ? PuzzleMode.Always : PuzzleMode.Never,
            PuzzleBits = 8,
        });
        var settings = new SessionSettings
        {
            Role = SessionRole.Client,
            Group = group,
            Passphrase = secret,
            HelloNonce = RandomNumberGenerator.GetBytes(WireFormat.NonceSize),
        };

        if (puzzle)
        {
            await using RawClient asking = await RawClient.ConnectAsync(live.Port, settings);
            (await asking.HandshakeAsync(oneByteAtATime: true)).ShouldBeFalse("the hub asks for work first");
            PuzzleMessage challenge = asking.Session.Puzzle.ShouldNotBeNull(asking.Session.Failure?.Message);
            ulong counter = HandshakePuzzle.Solve(challenge.Challenge, challenge.Difficulty, CancellationToken.None);
            settings = settings with { PuzzleSolution = new PuzzleSolution(challenge.Window, counter) };
        }

        await using RawClient client = await RawClient.ConnectAsync(live.Port, settings);
        (await client.HandshakeAsync(oneByteAtATime: true)).ShouldBeTrue(client.Session.Failure?.Message);
        client.Session.Group.ShouldBe(group);

        string text = $"trickled in {group}, passphrase {passphrase}, puzzle {puzzle}";
        await client.SendAsync(client.ProduceChat(c => c.SendChat("#lobby", text)), oneByteAtATime: true);
        await Eventually.True(() => live.CountMessages(text) == 1, "the trickled message to reach the hub", s_read);
        live.HasFailureFor(client.LocalPort).ShouldBeFalse();
        PeerInfo atHub = live.Server.Peers.Single(p => LiveServer.PortOf(p) == client.LocalPort);
        (atHub.Group, atHub.Fingerprint).ShouldBe((group, client.Session.Fingerprint));

        // And back: the hub's answer opens under the same keys.
        await live.Server.SendAsync("reply " + text);
        var events = new List<SessionEvent>();
        while (!events.OfType<MessageReceivedEvent>().Any())
        {
            client.Session.Receive((await client.ReadFrameAsync(s_read)).ShouldNotBeNull());
            client.Session.DrainEvents(events);
        }

        events.OfType<MessageReceivedEvent>().Single().Text.ShouldBe("reply " + text);
    }
}
