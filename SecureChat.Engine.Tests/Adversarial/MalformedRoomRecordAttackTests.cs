using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// PROTOCOL.md 4.1: the room records a member sends (Request) with a malformed body, sealed correctly by a modified
/// client on 127.0.0.1 (the malformed group records are GroupRecordAttackTests'). Each fails that member's session as a protocol violation before anything of it is
/// shown or relayed, while an honest member connected meanwhile keeps chatting.
/// </summary>
public sealed class MalformedRoomRecordAttackTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    public static TheoryData<string, byte, byte[]> Attacks => new()
    {
        { "a Request whose room field is one byte", (byte)FrameType.Request, [1, 1, (byte)'#', 0, 4, .. "leak"u8] },
        { "a Request whose room is not UTF-8", (byte)FrameType.Request, [1, 3, (byte)'#', 0xC3, 0x28, 0, 4, .. "leak"u8] },
        { "a Request whose room length runs past the end", (byte)FrameType.Request, [1, 200, (byte)'#', .. "leak"u8] },
        { "a Request with op 0", (byte)FrameType.Request, [0, 0, 0, 0] },
        { "a Request with op 16", (byte)FrameType.Request, [16, 2, (byte)'#', (byte)'a', 0, 0] },
        { "a Request with a byte after its text", (byte)FrameType.Request, [1, 2, (byte)'#', (byte)'a', 0, 0, 0x41] },
        { "a Request whose name is 65 bytes", (byte)FrameType.Request, [8, 2, (byte)'#', (byte)'a', 65, .. Enumerable.Repeat((byte)'n', 65), 0] },
    };

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task A_malformed_room_record_ends_only_the_sender_s_session_and_reaches_nobody(string what, byte type, byte[] plaintext)
    {
        await using LiveServer live = LiveServer.Start();
        await using var honest = new ChatClient(new ChatOptions { Name = "honest" });
        var heard = new List<string>();
        honest.MessageReceived += m => { lock (heard) { heard.Add(m.Text); } };
        await honest.ConnectAsync("127.0.0.1", live.Port).WaitAsync(s_wait);
        await using RawClient attacker = await RawClient.ConnectAsync(live.Port);
        (await attacker.HandshakeAsync()).ShouldBeTrue();
        await Eventually.True(() => live.Server.SecurePeerCount == 2, "the attacker to be secure", s_wait);

        await attacker.SendAsync(attacker.Produce(s => s.SealControl((FrameType)type, plaintext)));

        SessionFailure failure = await live.FailureFor(attacker.LocalPort, s_wait);
        output.WriteLine($"{what}: the hub failed the sender with \"{failure.Message}\"; the operator saw {live.Messages.Count}, the honest member {heard.Count} messages");
        failure.Reason.ShouldBe(FailureReason.ProtocolViolation, what);
        live.Messages.ShouldBeEmpty(what);
        lock (heard)
        {
            heard.ShouldBeEmpty(what);
        }

        await honest.SendAsync("still here").AsTask().WaitAsync(s_wait);
        await Eventually.True(() => live.CountMessages("still here") == 1, "the honest member's message", s_wait);
        honest.Server!.IsSecure.ShouldBeTrue();
    }
}
