using System.Security.Cryptography;
using System.Text;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Hub.Groups;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Transport;
using MlsMessage = SecureChat.Engine.Mls.Messages.MlsMessage;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// Handshakes delivered to a live hub one byte per write, in every supported group, with and without a passphrase
/// (CPace) and with and without a puzzle first (the ClientHello that gets the Puzzle, and the one with the answer, are
/// trickled too): the hub's frame gathering must never mistake a partial frame for a whole one, whatever the sizes
/// the group and the options give the messages. Then the client's key package and a text to #lobby's MLS group are
/// trickled too, and the hub's operator, which added it to the group, reads the text and answers in the group. The
/// session-level tests (HandshakeTests) trickle within one process; these go through the hub's sockets, admission and
/// puzzle gate.
/// </summary>
public sealed class TrickledHandshakeTests
{
    private static readonly TimeSpan s_read = TimeSpan.FromSeconds(20);
    private static readonly GroupTarget s_lobby = GroupTarget.ForRoom("#lobby");

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

        // A v4 member: its session's identity key is its MLS signature key, and it is added to #lobby's group by the
        // hub's operator with the key package it publishes, trickled like the rest.
        var keys = new DsMember("trickler");
        settings = settings with { Identity = new SeededSigner(keys.SignaturePrivateKey) };
        await using RawClient client = await RawClient.ConnectAsync(live.Port, settings);
        var records = new GroupRecordRecorder();
        client.Chat.MemberRecords = records;
        (await client.HandshakeAsync(oneByteAtATime: true)).ShouldBeTrue(client.Session.Failure?.Message);
        client.Session.Group.ShouldBe(group);
        byte[] keyPackage = keys.NewKeyPackage(TimeProvider.System);
        await client.SendAsync(client.ProduceChat(c => c.Groups.SendKeyPackages([keyPackage], lastResort: true)), oneByteAtATime: true);
        await UntilRecordAsync(client, records, r => r.Of<WelcomeRelayRecord>().Any(w => w.Target == s_lobby));
        keys.Join(records.Of<WelcomeRelayRecord>().Single(w => w.Target == s_lobby).Mls, keyPackage);

        string text = $"trickled in {group}, passphrase {passphrase}, puzzle {puzzle}";
        await client.SendAsync(client.ProduceChat(c => c.Groups.SendGroupMessage(s_lobby, keys.Message(text))), oneByteAtATime: true);
        await Eventually.True(() => live.CountMessages(text) == 1, "the trickled message to reach the hub's operator through #lobby's group", s_read);
        live.HasFailureFor(client.LocalPort).ShouldBeFalse();
        PeerInfo atHub = live.Server.Peers.Single(p => LiveServer.PortOf(p) == client.LocalPort);
        (atHub.Group, atHub.Fingerprint).ShouldBe((group, client.Session.Fingerprint));

        // And back: the operator's answer opens under the same link keys, and in the same group.
        await live.Server.SendAsync("reply " + text);
        await UntilRecordAsync(client, records, r => r.Of<GroupRelayRecord>().Any(g => g.Target == s_lobby));
        GroupRelayRecord relay = records.Of<GroupRelayRecord>().Single(g => g.Target == s_lobby);
        ApplicationMessages.TryUnprotect(keys.State!, MlsMessage.Decode(relay.Mls), out byte[]? reply, out _, out string failure).ShouldBeTrue(failure);
        Encoding.UTF8.GetString(reply!).ShouldBe("reply " + text);
    }

    /// <summary>Reads the hub's frames, handing each group record to <paramref name="records"/>, until <paramref name="done"/> holds.</summary>
    private static async Task UntilRecordAsync(RawClient client, GroupRecordRecorder records, Func<GroupRecordRecorder, bool> done)
    {
        var events = new List<SessionEvent>();
        while (!done(records))
        {
            client.Session.Receive((await client.ReadFrameAsync(s_read)).ShouldNotBeNull("the hub to send the next frame"));
            events.Clear();
            client.Session.DrainEvents(events);
            GroupRecordRecorder.DeliverAll(events);
        }
    }
}
