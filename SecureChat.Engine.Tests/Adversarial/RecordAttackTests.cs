using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Hub.Groups;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// Attacks on sealed records against a live server: bit flips in IV, ciphertext and tag, truncated and extended
/// tags, replay, reordering, dropping, reflection, and records after Close. Each must fail the attacked session
/// closed (nothing forged is delivered) while the server keeps serving everyone else.
/// </summary>
public sealed class RecordAttackTests
{
    private const int Header = WireFormat.FrameHeaderSize;

    /// <summary>
    /// Each flip costs a live handshake, so the live test takes the first and last bit of each part of the body;
    /// RecordProtectorTests flips every bit of a sealed body without sockets. A negative position counts from the end of
    /// the body (-1: its last bit), since the ciphertext's length is the message's.
    /// </summary>
    public static TheoryData<string, int> FlipPositions => new()
    {
        { "IV first bit", 0 },
        { "IV last bit", RecordProtector.IvSize * 8 - 1 },
        { "ciphertext first bit", RecordProtector.IvSize * 8 },
        { "ciphertext last bit", -(RecordProtector.TagSize * 8) - 1 },
        { "tag first bit", -(RecordProtector.TagSize * 8) },
        { "tag last bit", -1 },
    };

    [Theory]
    [MemberData(nameof(FlipPositions))]
    public async Task A_flipped_first_or_last_bit_of_the_iv_ciphertext_or_tag_fails_the_session_and_delivers_nothing(string where, int bit)
    {
        await using LiveServer live = LiveServer.Start();
        await using LiveGroupMember attacker = await OutputBudgetAttackTests.InLobbyAsync(live, "attacker");
        string text = "a message the operator reads once it arrives whole";
        byte[] record = attacker.Say(text);
        Frames.Split(record).ShouldHaveSingleItem();
        int bodyBits = (record.Length - Header) * 8;
        int at = bit >= 0 ? bit : bodyBits + bit;

        record[Header + at / 8] ^= (byte)(1 << (at % 8));
        await attacker.Raw.SendAsync(record);

        (await live.FailureFor(attacker.Raw.LocalPort)).Reason.ShouldBe(FailureReason.AuthenticationFailed, where);
        live.CountMessages(text).ShouldBe(0);
        await live.ShouldStillServeAnHonestClient();
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(-16)]
    [InlineData(+1)]
    [InlineData(+16)]
    public async Task A_truncated_or_extended_tag_fails_the_session(int delta)
    {
        await using LiveServer live = LiveServer.Start();
        await using LiveGroupMember attacker = await OutputBudgetAttackTests.InLobbyAsync(live, "attacker");
        string text = "tag games, long enough for three blocks of ciphertext";
        byte[] record = attacker.Say(text);
        byte[] body = delta < 0 ? record[Header..^(-delta)] : [.. record[Header..], .. new byte[delta]];

        await attacker.Raw.SendAsync(RawClient.Frame(record[0], body));

        (await live.FailureFor(attacker.Raw.LocalPort)).Reason.ShouldBe(FailureReason.AuthenticationFailed);
        live.CountMessages(text).ShouldBe(0);
    }

    [Fact]
    public async Task A_replayed_record_is_delivered_once_and_the_replay_fails_the_session()
    {
        await using LiveServer live = LiveServer.Start();
        await using LiveGroupMember attacker = await OutputBudgetAttackTests.InLobbyAsync(live, "attacker");
        byte[] record = attacker.Say("pay 10 euros");

        await attacker.Raw.SendAsync([.. record, .. record]);

        (await live.FailureFor(attacker.Raw.LocalPort)).Reason.ShouldBe(FailureReason.AuthenticationFailed);
        live.CountMessages("pay 10 euros").ShouldBe(1);
        await live.ShouldStillServeAnHonestClient();
    }

    [Fact]
    public async Task Reordered_records_are_rejected()
    {
        await using LiveServer live = LiveServer.Start();
        await using LiveGroupMember attacker = await OutputBudgetAttackTests.InLobbyAsync(live, "attacker");
        byte[] first = attacker.Say("first");
        byte[] second = attacker.Say("second");

        await attacker.Raw.SendAsync([.. second, .. first]);

        (await live.FailureFor(attacker.Raw.LocalPort)).Reason.ShouldBe(FailureReason.AuthenticationFailed);
        live.CountMessages("first").ShouldBe(0);
        live.CountMessages("second").ShouldBe(0);
    }

    [Fact]
    public async Task A_dropped_record_is_detected_at_the_next_one()
    {
        await using LiveServer live = LiveServer.Start();
        await using LiveGroupMember attacker = await OutputBudgetAttackTests.InLobbyAsync(live, "attacker");
        _ = attacker.Say("dropped");
        byte[] second = attacker.Say("after the drop");

        await attacker.Raw.SendAsync(second);

        (await live.FailureFor(attacker.Raw.LocalPort)).Reason.ShouldBe(FailureReason.AuthenticationFailed);
        live.CountMessages("after the drop").ShouldBe(0);
    }

    [Fact]
    public async Task A_record_reflected_back_to_the_server_is_rejected()
    {
        await using LiveServer live = LiveServer.Start();
        await using RawClient attacker = await RawClient.ConnectAsync(live.Port);
        (await attacker.HandshakeAsync()).ShouldBeTrue();
        await attacker.SendAsync(attacker.ProduceChat(c => c.SendNick("mirror")));
        await Eventually.True(() => live.Server.Peers.Any(p => p.Name == "mirror"), "the attacker to join");

        // The hub's sealed RoomInfo of a room the attacker enters, sent back as it came: every sealed record is opened
        // MAC first, under the keys of the client's direction, so the hub's own record fails. (The RoomInfo of #lobby may
        // have come in the handshake's last read; the one of #mirror comes after its request.)
        await attacker.SendAsync(attacker.ProduceChat(c => c.SendRequest(RoomOp.Join, "#mirror", string.Empty, string.Empty)));
        byte[]? fromServer = null;
        while (fromServer is null || fromServer[0] != (byte)FrameType.RoomInfo)
        {
            fromServer = (await attacker.ReadFrameAsync()).ShouldNotBeNull("the hub to send the attacker its entry into a room");
        }

        await attacker.SendAsync(fromServer);

        (await live.FailureFor(attacker.LocalPort)).Reason.ShouldBe(FailureReason.AuthenticationFailed);
    }

    [Fact]
    public async Task Bytes_after_a_peers_close_are_ignored()
    {
        await using LiveServer live = LiveServer.Start();
        await using RawClient attacker = await RawClient.ConnectAsync(live.Port);
        (await attacker.HandshakeAsync()).ShouldBeTrue();
        byte[] close = attacker.Produce(s => s.Close());

        await attacker.SendAsync([.. close, .. close, .. RawClient.Frame((byte)FrameType.GroupMessage, new byte[64]), 0xFF, 0xFF]);

        await Eventually.True(() => live.Closes.Any(c => LiveServer.PortOf(c.Peer) == attacker.LocalPort && c.ByPeer), "the server to see the peer leave");
        await Task.Delay(200);
        live.HasFailureFor(attacker.LocalPort).ShouldBeFalse();
        await live.ShouldStillServeAnHonestClient();
    }

    [Fact]
    public async Task Valid_records_that_arrive_after_the_server_closed_are_not_delivered()
    {
        LiveServer live = LiveServer.Start();
        await using LiveGroupMember attacker = await OutputBudgetAttackTests.InLobbyAsync(live, "attacker");
        byte[] late = attacker.Say("after close");
        await Eventually.True(() => live.Server.SecurePeerCount == 1, "the server to confirm the attacker's keys");

        Task stopping = live.Server.StopAsync();
        byte[]? frame;
        do
        {
            frame = await attacker.Raw.ReadFrameAsync();
        }
        while (frame is not null && frame[0] != (byte)FrameType.Close);
        frame.ShouldNotBeNull("the server sends a sealed Close before it goes");
        await attacker.Raw.SendAsync(late);

        await stopping.WaitAsync(TimeSpan.FromSeconds(10));
        live.CountMessages("after close").ShouldBe(0);
    }
}
