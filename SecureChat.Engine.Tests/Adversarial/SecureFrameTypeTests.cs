using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// What a frame's type means once the session is secure (PROTOCOL.md 2, 3.7, 6), attacked live on 127.0.0.1: only the
/// clear types (the hellos, Commit, KeyShare, Reveal, Puzzle, Alert) are unauthenticated input (a lost connection);
/// every other type, assigned or not, is a record whose MAC is checked first. A correctly sealed one of a type that
/// has no place there (ServerAuth or ClientAuth again, an unassigned type) is the peer's protocol violation (Close 8);
/// one that does not open is data altered in transit (Close 8).
/// </summary>
public sealed class SecureFrameTypeTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData((byte)FrameType.ClientAuth)]
    [InlineData((byte)FrameType.ServerAuth)]
    [InlineData((byte)0x00)]
    [InlineData((byte)0x06)] // version 1's type, unassigned in version 2
    [InlineData((byte)0x0A)]
    [InlineData((byte)0x0E)]
    [InlineData((byte)0x29)] // unassigned in version 4, between its MLS records and Part
    [InlineData((byte)0x10)] // version 3's Chat, unassigned in version 4
    [InlineData((byte)0x19)] // version 3's Direct, unassigned in version 4
    [InlineData((byte)0xFF)]
    public async Task A_correctly_sealed_record_of_a_type_with_no_place_after_the_handshake_is_a_violation_answered_with_close_8(byte type)
    {
        await using LiveServer live = LiveServer.Start();
        await using RawClient attacker = await RawClient.ConnectAsync(live.Port);
        (await attacker.HandshakeAsync()).ShouldBeTrue();
        await Eventually.True(() => live.Server.SecurePeerCount == 1, "the server to confirm the attacker's keys");

        await attacker.SendAsync(attacker.Produce(s => s.SealControl((FrameType)type, new byte[134])));

        SessionFailure failure = await live.FailureFor(attacker.LocalPort);
        AlertCode? close = await CloseCodeFromServer(attacker);
        output.WriteLine($"sealed 0x{type:X2} after the handshake: the server failed with {failure.Reason}, sent Close {close?.ToString() ?? "(none)"}");
        failure.Reason.ShouldBe(FailureReason.ProtocolViolation);
        close.ShouldBe(AlertCode.ProtocolError);
        await live.ShouldStillServeAnHonestClient();
    }

    [Theory]
    [InlineData((byte)FrameType.ClientAuth)]
    [InlineData((byte)0x06)]
    [InlineData((byte)0x29)] // unassigned in version 4, between its MLS records and Part
    [InlineData((byte)0xFF)]
    [InlineData((byte)FrameType.GroupMessage)]
    public async Task A_record_of_any_non_clear_type_that_does_not_open_after_the_handshake_is_an_authentication_failure(byte type)
    {
        await using LiveServer live = LiveServer.Start();
        await using RawClient attacker = await RawClient.ConnectAsync(live.Port);
        (await attacker.HandshakeAsync()).ShouldBeTrue();
        await Eventually.True(() => live.Server.SecurePeerCount == 1, "the server to confirm the attacker's keys");
        byte[] record = attacker.Produce(s => s.SealControl((FrameType)type, new byte[10]));
        record[^1] ^= 1; // a flipped tag bit: what anyone on the path can do

        await attacker.SendAsync(record);

        SessionFailure failure = await live.FailureFor(attacker.LocalPort);
        AlertCode? close = await CloseCodeFromServer(attacker);
        output.WriteLine($"altered 0x{type:X2} after the handshake: the server failed with {failure.Reason}, sent Close {close?.ToString() ?? "(none)"}");
        failure.Reason.ShouldBe(FailureReason.AuthenticationFailed);
        close.ShouldBe(AlertCode.ProtocolError);
    }

    [Theory]
    [InlineData((byte)FrameType.Presence)]
    [InlineData((byte)FrameType.GroupRelay)]
    [InlineData((byte)FrameType.Ack)]
    [InlineData((byte)FrameType.RoomEvent)]
    [InlineData((byte)FrameType.RoomInfo)]
    [InlineData((byte)FrameType.Reply)]
    public async Task A_well_formed_record_only_a_server_may_send_is_a_violation_from_a_client_answered_with_close_8(byte type)
    {
        await using LiveServer live = LiveServer.Start();
        await using RawClient attacker = await RawClient.ConnectAsync(live.Port);
        (await attacker.HandshakeAsync()).ShouldBeTrue();
        await Eventually.True(() => live.Server.SecurePeerCount == 1, "the server to confirm the attacker's keys");
        byte[] digest = [.. Enumerable.Repeat((byte)0xD1, WireFormat.IdentityDigestSize)];
        byte[] plaintext = new byte[256];
        int length = (FrameType)type switch
        {
            FrameType.Presence => PresenceRecord.Write(plaintext, PresenceKind.Joined, "#lobby", digest, "mallory", 0, ""),
            FrameType.GroupRelay => Copied(plaintext, new GroupRelayRecord(GroupTarget.ForRoom("#lobby"), digest, "operator", [0, 1, 0, 2]).Write().Single().Plaintext),
            FrameType.Ack => new AckRecord(1).Write(plaintext),
            FrameType.RoomEvent => RoomEventRecord.Write(plaintext, 3, "#lobby", digest, "operator", digest, "victim", "kicked by nobody"),
            FrameType.RoomInfo => RoomInfoRecord.Write(plaintext, RoomInfoKind.Entered, "#lobby", 0, 1, "", new byte[WireFormat.GroupIdSize]),
            _ => ReplyRecord.Write(plaintext, 0, 1, "#lobby", digest, "mallory", ""),
        };

        await attacker.SendAsync(attacker.Produce(s => s.SealControl((FrameType)type, plaintext.AsSpan(0, length))));

        SessionFailure failure = await live.FailureFor(attacker.LocalPort);
        AlertCode? close = await CloseCodeFromServer(attacker);
        output.WriteLine($"a well-formed {(FrameType)type} from a client: the server failed with {failure.Reason} ({failure.Message}), sent Close {close?.ToString() ?? "(none)"}");
        failure.Reason.ShouldBe(FailureReason.ProtocolViolation);
        close.ShouldBe(AlertCode.ProtocolError);
        await live.ShouldStillServeAnHonestClient();
    }

    [Fact]
    public async Task A_server_that_sends_a_sealed_server_auth_again_fails_the_client_with_a_violation_and_gets_close_8()
    {
        using RawServer server = RawServer.Listen();
        await using var client = new ChatClient(new ChatOptions { Name = "victim" });
        var failed = new TaskCompletionSource<SessionFailure>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Failed += (_, f) => failed.TrySetResult(f);
        Task connecting = client.ConnectAsync("127.0.0.1", server.Port);
        await using RawClient attacker = await server.AcceptAsync();
        (await attacker.HandshakeAsync()).ShouldBeTrue();
        await attacker.SendAsync(attacker.Produce(s => s.SealControl(FrameType.Heartbeat, [])));
        await connecting.WaitAsync(Eventually.DefaultTimeout);

        await attacker.SendAsync(attacker.Produce(s => s.SealControl(FrameType.ServerAuth, new byte[132])));

        SessionFailure failure = await failed.Task.WaitAsync(Eventually.DefaultTimeout);
        AlertCode? close = await CloseCodeFromServer(attacker);
        output.WriteLine($"a second sealed ServerAuth: the client failed with {failure.Reason}, sent Close {close?.ToString() ?? "(none)"}");
        failure.Reason.ShouldBe(FailureReason.ProtocolViolation);
        close.ShouldBe(AlertCode.ProtocolError);
    }

    private static int Copied(byte[] destination, byte[] plaintext)
    {
        plaintext.CopyTo(destination, 0);
        return plaintext.Length;
    }

    /// <summary>Opens what the peer sends until it closes; the code of its sealed Close, or null when none came.</summary>
    internal static async Task<AlertCode?> CloseCodeFromServer(RawClient client)
    {
        var events = new List<SessionEvent>();
        while (!client.Session.IsEnded && await client.ReadFrameAsync(TimeSpan.FromSeconds(10)) is { } frame)
        {
            client.Session.Receive(frame);
            client.Session.DrainEvents(events);
        }

        return events.OfType<ClosedEvent>().FirstOrDefault(c => c.ByPeer)?.Code;
    }
}
