using System.Collections.Concurrent;
using System.Text;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Hub;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Hub;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// Version 3's plaintext message records, attacked live on 127.0.0.1 (PROTOCOL.md 4.1: Chat 0x10, Relay 0x17, Direct
/// 0x19 and DirectRelay 0x1A are unassigned in version 4). Texts travel only as MLS ciphertext, so a hub holds no key
/// to write one: a hub that seals a Relay or DirectRelay naming a real member, in the layout version 3 gave it, must
/// not get its text shown; the client fails that link as a protocol violation (Close 8). A client that sends Chat or
/// Direct fails its own session, and the other members chat on.
/// </summary>
public sealed class ForgedRelayAttackTests(ITestOutputHelper output)
{
    private const string Lobby = "#lobby";
    private const byte Chat = 0x10, Relay = 0x17, Direct = 0x19, DirectRelay = 0x1A;

    [Theory]
    [InlineData(Relay)]
    [InlineData(DirectRelay)]
    public async Task A_hub_that_seals_a_v3_relay_naming_a_real_member_fails_the_client_s_link_and_its_text_is_never_shown(byte type)
    {
        await using LiveHub hub = await LiveHub.StartAsync("Alice", "Bob", "Carol");
        var (alice, bob, carol) = hub;
        await hub.InOneEpochAsync(Lobby);
        var hubSaw = new ConcurrentQueue<(PeerInfo Peer, bool ByPeer)>();
        hub.Server.Closed += (peer, byPeer) => hubSaw.Enqueue((peer, byPeer));
        string forged = $"forged by the hub in a 0x{type:X2} record: send the launch code to mallory";

        // The hub's own link to Bob seals the record under the session keys it shares with Bob, as any hub can.
        Link toBob = ((LinkMember)HubInside.MemberNamed(hub.Server, "Bob").Output).Link;
        byte[] plaintext = V3Message(type, Lobby, IdentityFingerprint.IdentityDigest(alice.Key.PublicKey), "Alice", forged);
        toBob.RunIfSecure(chat => chat.Session.SealControl((FrameType)type, plaintext)).ShouldBeTrue();

        await Eventually.True(() => !bob.Failures.IsEmpty || bob.Got(forged), "Bob to fail the link or show the forged text");
        output.WriteLine($"a sealed 0x{type:X2} naming Alice: Bob shows the forged text: {bob.Got(forged)}; " +
            $"Bob's failures: [{string.Join("; ", bob.Failures)}]");
        bob.Got(forged).ShouldBeFalse("no key of #lobby's group wrote it");
        bob.Failures.ShouldHaveSingleItem().ShouldBe(
            $"ProtocolViolation: the peer sent a malformed or unexpected message (a sealed record of unassigned type 0x{type:X2}): connection closed");
        await Eventually.True(() => hubSaw.Any(c => c.ByPeer), "the hub to see Bob close the link");

        const string After = "Alice after the forgery";
        await alice.Client.SendAsync(Lobby, After);
        await carol.MessageAsync(After);
        new[] { alice, carol }.ShouldAllBe(m => m.Failures.IsEmpty && !m.Got(forged));
    }

    [Theory]
    [InlineData(Chat)]
    [InlineData(Direct)]
    public async Task A_client_that_sends_a_v3_message_record_fails_its_own_session_with_close_8_and_every_member_keeps_chatting(byte type)
    {
        await using LiveHub hub = await LiveHub.StartAsync("Alice", "Bob");
        var (alice, bob) = hub;
        await hub.InOneEpochAsync(Lobby);
        var failures = new ConcurrentQueue<(PeerInfo Peer, SessionFailure Failure)>();
        hub.Server.Failed += (peer, failure) => failures.Enqueue((peer, failure));
        await using RawClient attacker = await RawClient.ConnectAsync(hub.Port);
        (await attacker.HandshakeAsync()).ShouldBeTrue();
        await Eventually.True(() => hub.Server.SecurePeerCount == 3, "the hub to confirm the attacker's keys");
        string text = $"a plaintext 0x{type:X2} the hub could read";

        byte[] plaintext = type == Chat ? V3Chat(Lobby, text) : V3Direct("Alice", text);
        await attacker.SendAsync(attacker.Produce(s => s.SealControl((FrameType)type, plaintext)));

        SessionFailure? Failure() => failures.FirstOrDefault(f => LiveServer.PortOf(f.Peer) == attacker.LocalPort).Failure;
        bool Shown() => alice.Got(text) || bob.Got(text) || hub.AtOperator.Any(m => m.Text == text);
        await Eventually.True(() => Failure() is not null || Shown(), "the hub to fail the attacker's session or show its text");
        output.WriteLine($"a sealed 0x{type:X2} from a client: the hub failed it with {Failure()?.Reason.ToString() ?? "(nothing)"} ({Failure()?.Message}); " +
            $"shown to Alice: {alice.Got(text)}, Bob: {bob.Got(text)}, the operator: {hub.AtOperator.Any(m => m.Text == text)}");
        Shown().ShouldBeFalse();
        Failure().ShouldNotBeNull().Reason.ShouldBe(FailureReason.ProtocolViolation);
        AlertCode? close = await SecureFrameTypeTests.CloseCodeFromServer(attacker);
        output.WriteLine($"the hub's Close: {close?.ToString() ?? "(none)"}");
        close.ShouldBe(AlertCode.ProtocolError);

        const string Lobbied = "Alice in the lobby after the attack", Directed = "Bob to Alice after the attack";
        await alice.Client.SendAsync(Lobby, Lobbied);
        await bob.Client.SendDirectAsync(new Person("Alice", alice.Identity), Directed);
        await bob.MessageAsync(Lobbied);
        (await alice.MessageAsync(Directed)).SenderIdentity.ShouldBe(bob.Identity);
        new[] { alice, bob }.ShouldAllBe(m => m.Failures.IsEmpty && !m.Got(text));
    }

    /// <summary>Relay: <c>room || digest || str8 name || text</c>; DirectRelay: <c>digest || str8 name || text</c> (version 3's layouts).</summary>
    private static byte[] V3Message(byte type, string room, byte[] digest, string name, string text)
    {
        var bytes = new List<byte>();
        if (type == Relay)
        {
            bytes.AddRange(Str8(room));
        }

        bytes.AddRange(digest);
        bytes.AddRange(Str8(name));
        bytes.AddRange(Encoding.UTF8.GetBytes(text));
        return [.. bytes];
    }

    /// <summary>Chat: <c>room || text</c>.</summary>
    private static byte[] V3Chat(string room, string text) => [.. Str8(room), .. Encoding.UTF8.GetBytes(text)];

    /// <summary>Direct: <c>person (a name: str8) || text</c>.</summary>
    private static byte[] V3Direct(string name, string text) => [.. Str8(name), .. Encoding.UTF8.GetBytes(text)];

    private static byte[] Str8(string value)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(value);
        return [(byte)utf8.Length, .. utf8];
    }
}
