using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// Attacks on the framing layer of a live server: lengths over the maximum, truncation, empty and unknown
/// types, trailing bytes, and a handshake trickled one byte at a time.
/// </summary>
public sealed class FramingAttackTests
{
    [Fact]
    public async Task A_length_prefix_of_four_gigabytes_fails_the_session_without_allocating_it()
    {
        await using LiveServer live = LiveServer.Start();
        await using RawClient attacker = await RawClient.ConnectAsync(live.Port);
        long before = GC.GetTotalAllocatedBytes(precise: true);

        await attacker.SendAsync(new byte[] { (byte)FrameType.ClientHello, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x02 });

        (await live.FailureFor(attacker.LocalPort)).Reason.ShouldBe(FailureReason.FrameTooLarge);
        (GC.GetTotalAllocatedBytes(precise: true) - before).ShouldBeLessThan(64L << 20, "nothing of the claimed size may be allocated");
        (await attacker.ReadAlertAsync())!.Value.Code.ShouldBe(AlertCode.ProtocolError);
        await live.ShouldStillServeAnHonestClient();
    }

    [Fact]
    public async Task A_record_declaring_more_than_the_maximum_after_the_handshake_fails_the_session()
    {
        await using LiveServer live = LiveServer.Start();
        await using RawClient attacker = await RawClient.ConnectAsync(live.Port);
        (await attacker.HandshakeAsync()).ShouldBeTrue();

        await attacker.SendAsync(new byte[] { (byte)FrameType.Chat, 0x7F, 0xFF, 0xFF, 0xFF });

        (await live.FailureFor(attacker.LocalPort)).Reason.ShouldBe(FailureReason.FrameTooLarge);
        await live.ShouldStillServeAnHonestClient();
    }

    [Fact]
    public async Task A_truncated_handshake_frame_followed_by_a_close_is_a_lost_connection_and_nothing_else()
    {
        await using LiveServer live = LiveServer.Start();
        await using RawClient attacker = await RawClient.ConnectAsync(live.Port);
        attacker.Session.Start();
        byte[] hello = attacker.TakeOutput();

        await attacker.SendAsync(hello[..^3]);
        attacker.HalfClose();

        (await live.FailureFor(attacker.LocalPort)).Reason.ShouldBe(FailureReason.ConnectionLost);
        await live.ShouldStillServeAnHonestClient();
    }

    [Fact]
    public async Task A_record_shorter_than_iv_block_and_tag_is_rejected()
    {
        await using LiveServer live = LiveServer.Start();
        await using RawClient attacker = await RawClient.ConnectAsync(live.Port);
        (await attacker.HandshakeAsync()).ShouldBeTrue();

        await attacker.SendAsync(RawClient.Frame((byte)FrameType.Chat, new byte[40]));

        (await live.FailureFor(attacker.LocalPort)).Reason.ShouldBe(FailureReason.ProtocolViolation);
        await live.ShouldStillServeAnHonestClient();
    }

    [Theory]
    [InlineData((byte)FrameType.Chat, 0)]
    [InlineData((byte)FrameType.Close, 0)]
    [InlineData((byte)0x7F, 64)]
    [InlineData((byte)FrameType.ClientHello, 19)]
    public async Task Zero_length_unknown_and_out_of_phase_frames_after_the_handshake_fail_the_session(byte type, int bodyLength)
    {
        await using LiveServer live = LiveServer.Start();
        await using RawClient attacker = await RawClient.ConnectAsync(live.Port);
        (await attacker.HandshakeAsync()).ShouldBeTrue();

        await attacker.SendAsync(RawClient.Frame(type, new byte[bodyLength]));

        SessionFailure failure = await live.FailureFor(attacker.LocalPort);
        failure.Reason.ShouldBe(FailureReason.ProtocolViolation);
        await live.ShouldStillServeAnHonestClient();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(AlertMessage.Size - 1)]
    [InlineData(AlertMessage.Size + 1)]
    public async Task A_malformed_alert_after_the_handshake_is_a_protocol_violation_answered_with_a_sealed_close(int bodyLength)
    {
        await using LiveServer live = LiveServer.Start();
        await using RawClient attacker = await RawClient.ConnectAsync(live.Port);
        (await attacker.HandshakeAsync()).ShouldBeTrue();

        await attacker.SendAsync(RawClient.Frame((byte)FrameType.Alert, new byte[bodyLength]));

        (await live.FailureFor(attacker.LocalPort)).Reason.ShouldBe(FailureReason.ProtocolViolation);
        (await FramesUntilTheServerCloses(attacker)).ShouldContain(f => f[0] == (byte)FrameType.Close);
        await live.ShouldStillServeAnHonestClient();
    }

    /// <summary>
    /// Documents today's behaviour, which is a known weakness: a well-formed Alert (exactly 5 bytes, in the clear),
    /// sent after the handshake as any raw client or anyone on the path could send it, is honoured as it would be
    /// during the handshake (<c>ChatSession.HandleAlert</c>). The secure session ends with the failure reason and
    /// text the unauthenticated Alert claims (an IterationsRejected one even makes the server advise
    /// "--iterations" with the sender's number), and nothing is sent back: no sealed Close, no Alert.
    /// Protocol v2 (issue 9) is to make a cleartext Alert after the handshake fail closed as a protocol violation,
    /// like the malformed one above; this test is to change with it.
    /// </summary>
    [Theory]
    [InlineData(AlertCode.IterationsRejected, 1_234_567u, FailureReason.IterationsRejected)]
    [InlineData(AlertCode.ServerShuttingDown, 0u, FailureReason.ServerShuttingDown)]
    [InlineData(AlertCode.ProtocolError, 0u, FailureReason.RefusedByPeer)]
    public async Task Today_a_well_formed_cleartext_alert_after_the_handshake_ends_the_secure_session_with_the_reason_it_claims(AlertCode code, uint detail, FailureReason reported)
    {
        await using LiveServer live = LiveServer.Start();
        await using RawClient attacker = await RawClient.ConnectAsync(live.Port);
        (await attacker.HandshakeAsync()).ShouldBeTrue();
        await Eventually.True(() => live.Server.SecurePeerCount == 1, "the server to confirm the attacker's keys");
        byte[] body = new byte[AlertMessage.Size];
        new AlertMessage(code, detail).Write(body);

        await attacker.SendAsync(RawClient.Frame((byte)FrameType.Alert, body));

        SessionFailure failure = await live.FailureFor(attacker.LocalPort);
        failure.Reason.ShouldBe(reported, "today the Alert's own code decides the reason; v2 is to make this ProtocolViolation");
        if (code == AlertCode.IterationsRejected)
        {
            failure.Message.ShouldContain($"--iterations {detail}");
        }

        List<byte[]> answer = await FramesUntilTheServerCloses(attacker);
        answer.ShouldNotContain(f => f[0] == (byte)FrameType.Close || f[0] == (byte)FrameType.Alert, "today nothing answers the Alert");
        live.Server.SecurePeerCount.ShouldBe(0);
        await live.ShouldStillServeAnHonestClient();
    }

    [Theory]
    [InlineData((byte)0x42)]
    [InlineData((byte)FrameType.Commit)]
    [InlineData((byte)FrameType.Chat)]
    public async Task An_unknown_or_unexpected_first_frame_is_refused(byte type)
    {
        await using LiveServer live = LiveServer.Start();
        await using RawClient attacker = await RawClient.ConnectAsync(live.Port);

        await attacker.SendAsync(RawClient.Frame(type, new byte[32]));

        (await live.FailureFor(attacker.LocalPort)).Reason.ShouldBe(FailureReason.ProtocolViolation);
        (await attacker.ReadAlertAsync())!.Value.Code.ShouldBe(AlertCode.ProtocolError);
    }

    [Fact]
    public async Task A_client_hello_with_a_trailing_byte_is_refused()
    {
        await using LiveServer live = LiveServer.Start();
        await using RawClient attacker = await RawClient.ConnectAsync(live.Port);
        attacker.Session.Start();
        byte[] hello = attacker.TakeOutput();
        byte[] body = [.. hello.AsSpan(WireFormat.FrameHeaderSize), 0x00];

        await attacker.SendAsync(RawClient.Frame((byte)FrameType.ClientHello, body));

        (await live.FailureFor(attacker.LocalPort)).Reason.ShouldBe(FailureReason.ProtocolViolation);
    }

    [Fact]
    public async Task Garbage_after_a_valid_record_delivers_the_record_once_then_fails_the_session()
    {
        await using LiveServer live = LiveServer.Start();
        await using RawClient attacker = await RawClient.ConnectAsync(live.Port);
        (await attacker.HandshakeAsync()).ShouldBeTrue();
        byte[] record = attacker.ProduceChat(c => c.SendChat("before the garbage"));

        await attacker.SendAsync([.. record, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);

        (await live.FailureFor(attacker.LocalPort)).Reason.ShouldBe(FailureReason.FrameTooLarge);
        live.CountMessages("before the garbage").ShouldBe(1);
        await live.ShouldStillServeAnHonestClient();
    }

    [Fact]
    public async Task A_handshake_and_a_message_delivered_one_byte_at_a_time_succeed()
    {
        await using LiveServer live = LiveServer.Start();
        await using RawClient client = await RawClient.ConnectAsync(live.Port);

        (await client.HandshakeAsync(oneByteAtATime: true)).ShouldBeTrue();
        await client.SendAsync(client.ProduceChat(c => c.SendChat("one byte at a time")), oneByteAtATime: true);

        await Eventually.True(() => live.CountMessages("one byte at a time") == 1, "the trickled message");
        live.HasFailureFor(client.LocalPort).ShouldBeFalse();
    }

    /// <summary>Every frame the server sends from now until it closes the connection.</summary>
    private static async Task<List<byte[]>> FramesUntilTheServerCloses(RawClient client)
    {
        var frames = new List<byte[]>();
        while (await client.ReadFrameAsync() is { } frame)
        {
            frames.Add(frame);
        }

        return frames;
    }
}
