using System.Text;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Protocol;

/// <summary>
/// The record layouts of presence, rooms and replies (PROTOCOL.md 4.1) as pure writers and parsers: every record round-trips at its bounds, and
/// every malformed plaintext (a length past the end, a field too long, a room of one byte, invalid UTF-8, an unknown
/// kind, op or code, a field set where the kind forbids it, bytes left over) is refused without an exception.
/// </summary>
public sealed class RecordLayoutTests
{
    private static readonly byte[] s_digest = [.. Enumerable.Repeat((byte)0xD1, WireFormat.IdentityDigestSize)];
    private static readonly byte[] s_nobody = new byte[WireFormat.IdentityDigestSize];

    [Theory]
    [InlineData(PresenceKind.Joined, "#lobby", 3, "")]
    [InlineData(PresenceKind.Member, "#lobby", 1, "")]
    [InlineData(PresenceKind.Parted, "#lobby", 0, "gone for lunch")]
    [InlineData(PresenceKind.Parted, "#lobby", 0, "")]
    [InlineData(PresenceKind.Left, "", 0, "")]
    [InlineData(PresenceKind.Renamed, "", 0, "robert")]
    [InlineData(PresenceKind.You, "", 0, "")]
    [InlineData(PresenceKind.Refused, "", 0, "")]
    [InlineData(PresenceKind.Away, "", 0, "")]
    [InlineData(PresenceKind.Back, "", 0, "")]
    public void Every_presence_kind_round_trips(PresenceKind kind, string room, byte flags, string text)
    {
        byte[] buffer = new byte[PresenceRecord.SizeMax];
        int length = PresenceRecord.Write(buffer, kind, room, s_digest, "bob", flags, text);
        PresenceRecord.TryParse(buffer.AsSpan(0, length), out PresenceRecord presence).ShouldBeTrue();
        (presence.Kind, presence.Room, presence.Name, presence.Flags, presence.Text).ShouldBe((kind, room, "bob", flags, text));
        presence.Digest.ShouldBe(s_digest);
    }

    [Fact]
    public void Every_request_op_round_trips_and_a_long_reason_is_cut_at_a_character_boundary()
    {
        byte[] buffer = new byte[RequestRecord.SizeMax];
        for (byte op = 1; op <= RequestRecord.OpMax; op++)
        {
            int length = RequestRecord.Write(buffer, op, op == 3 ? "" : "#room", "bob", "because");
            RequestRecord.TryParse(buffer.AsSpan(0, length), out RequestRecord request).ShouldBeTrue($"op {op}");
            request.ShouldBe(new RequestRecord(op, op == 3 ? "" : "#room", "bob", "because"));
        }

        string reason = new string('x', 254) + "é"; // 256 bytes: the 2-byte character does not fit
        int cut = RequestRecord.Write(buffer, 2, "#room", "", reason);
        RequestRecord.TryParse(buffer.AsSpan(0, cut), out RequestRecord parted).ShouldBeTrue();
        parted.Text.ShouldBe(new string('x', 254));
    }

    [Fact]
    public void Room_events_room_infos_replies_and_acks_round_trip()
    {
        byte[] buffer = new byte[RoomEventRecord.SizeMax];
        int length = RoomEventRecord.Write(buffer, 3, "#room", s_digest, "op", s_digest, "bob", "flooding");
        RoomEventRecord.TryParse(buffer.AsSpan(0, length), out RoomEventRecord kicked).ShouldBeTrue();
        (kicked.Kind, kicked.Room, kicked.ActorName, kicked.TargetName, kicked.Text).ShouldBe(((byte)3, "#room", "op", "bob", "flooding"));
        length = RoomEventRecord.Write(buffer, RoomEventRecord.KindMode, "#room", s_digest, "op", s_nobody, "", "+i");
        RoomEventRecord.TryParse(buffer.AsSpan(0, length), out RoomEventRecord mode).ShouldBeTrue();
        mode.Text.ShouldBe("+i");

        byte[] groupId = [.. Enumerable.Range(0xF0, WireFormat.GroupIdSize).Select(i => (byte)i)];
        length = RoomInfoRecord.Write(buffer, RoomInfoKind.Entered, "#room", 7, 16_384, "topic", groupId);
        length.ShouldBe(1 + 6 + 1 + 4 + 6 + WireFormat.GroupIdSize, "entered ends with the room's 16-byte group id");
        buffer.AsSpan(length - WireFormat.GroupIdSize, WireFormat.GroupIdSize).ToArray().ShouldBe(groupId);
        RoomInfoRecord.TryParse(buffer.AsSpan(0, length), out RoomInfoRecord entered).ShouldBeTrue();
        (entered.Kind, entered.Room, entered.Flags, entered.Members, entered.Topic).ShouldBe((RoomInfoKind.Entered, "#room", (byte)7, 16_384u, "topic"));
        (entered.Flags & RoomInfoRecord.FlagFounder).ShouldBe(RoomInfoRecord.FlagFounder);
        entered.GroupId.ShouldBe(groupId);
        Should.Throw<ArgumentException>(() => RoomInfoRecord.Write(buffer, RoomInfoKind.Entered, "#room", 0, 1, "", []));
        Should.Throw<ArgumentException>(() => RoomInfoRecord.Write(buffer, RoomInfoKind.Listed, "#room", 0, 1, "", groupId));
        length = RoomInfoRecord.Write(buffer, RoomInfoKind.Listed, "#room", RoomInfoRecord.FlagInviteOnly, 2, "t", []);
        RoomInfoRecord.TryParse(buffer.AsSpan(0, length), out RoomInfoRecord listed).ShouldBeTrue();
        listed.GroupId.ShouldBeEmpty();
        length = RoomInfoRecord.Write(buffer, RoomInfoKind.ListEnd, "", 0, uint.MaxValue, "", []);
        RoomInfoRecord.TryParse(buffer.AsSpan(0, length), out RoomInfoRecord end).ShouldBeTrue();
        end.Members.ShouldBe(uint.MaxValue);

        length = ReplyRecord.Write(buffer, 8, (byte)RoomOp.Join, "#bad room", s_nobody, "", "");
        ReplyRecord.TryParse(buffer.AsSpan(0, length), out ReplyRecord reply).ShouldBeTrue();
        (reply.Code, reply.Op, reply.Room).ShouldBe(((byte)8, (byte)RoomOp.Join, "#bad room"), "a reply echoes a room the hub found bad");
        foreach ((byte code, byte op) in new[] { ((byte)12, ReplyRecord.OpGroupMessage), ((byte)13, ReplyRecord.OpKeyPackages), ((byte)14, (byte)14), ((byte)15, (byte)14), ((byte)0, (byte)15) })
        {
            length = ReplyRecord.Write(buffer, code, op, "", s_digest, "bob", "");
            ReplyRecord.TryParse(buffer.AsSpan(0, length), out ReplyRecord v4).ShouldBeTrue($"code {code} op 0x{op:X2}");
            (v4.Code, v4.Op).ShouldBe((code, op));
        }

        ((byte)ReplyCode.StaleEpoch, (byte)ReplyCode.FewKeyPackages, ReplyRecord.OpKeyPackages, ReplyRecord.OpGroupMessage).ShouldBe(((byte)12, (byte)15, (byte)0x20, (byte)0x26));

        new AckRecord(ulong.MaxValue).Write(buffer).ShouldBe(8);
        AckRecord.TryParse(buffer.AsSpan(0, 8), out AckRecord ack).ShouldBeTrue();
        ack.Received.ShouldBe(ulong.MaxValue);
        AckRecord.TryParse(buffer.AsSpan(0, 7), out _).ShouldBeFalse();
        AckRecord.TryParse(new byte[9], out _).ShouldBeFalse();
    }

    public static TheoryData<string, byte, byte[]> Malformed => new()
    {
        { "request: empty plaintext", (byte)FrameType.Request, [] },
        { "request: a room of one byte", (byte)FrameType.Request, [1, 1, (byte)'#', 0, 0] },
        { "request: a room of 65 bytes", (byte)FrameType.Request, [1, 65, .. Enumerable.Repeat((byte)'r', 65), 0, 0] },
        { "request: a room length past the end", (byte)FrameType.Request, [1, 7, (byte)'#', (byte)'l'] },
        { "request: a room that is not UTF-8", (byte)FrameType.Request, [1, 2, (byte)'#', 0xFF, 0, 0] },
        { "request: a text that is not UTF-8", (byte)FrameType.Request, [4, 2, (byte)'#', (byte)'a', 0, 2, 0xC0, 0x80] },
        { "nick: empty", (byte)FrameType.Nick, [] },
        { "nick: 65 bytes", (byte)FrameType.Nick, [.. Enumerable.Repeat((byte)'n', 65)] },
        { "request: op 0", (byte)FrameType.Request, [0, 0, 0, 0] },
        { "request: op 16", (byte)FrameType.Request, [16, 0, 0, 0] },
        { "request: no text field", (byte)FrameType.Request, [1, 2, (byte)'#', (byte)'a', 0] },
        { "request: a byte left over", (byte)FrameType.Request, [1, 2, (byte)'#', (byte)'a', 0, 0, 9] },
        { "request: a name of 65 bytes", (byte)FrameType.Request, [7, 2, (byte)'#', (byte)'a', 65, .. Enumerable.Repeat((byte)'n', 65), 0] },
        { "presence: kind 0", (byte)FrameType.Presence, [0, 0, .. s_digest, 1, (byte)'b', 0, 0] },
        { "presence: kind 10", (byte)FrameType.Presence, [10, 0, .. s_digest, 1, (byte)'b', 0, 0] },
        { "presence: away with a room", (byte)FrameType.Presence, [8, 2, (byte)'#', (byte)'a', .. s_digest, 1, (byte)'b', 0, 0] },
        { "presence: back with a flag", (byte)FrameType.Presence, [9, 0, .. s_digest, 1, (byte)'b', 1, 0] },
        { "presence: away with a text", (byte)FrameType.Presence, [8, 0, .. s_digest, 1, (byte)'b', 0, 1, (byte)'x'] },
        { "presence: joined without a room", (byte)FrameType.Presence, [1, 0, .. s_digest, 1, (byte)'b', 0, 0] },
        { "presence: left with a room", (byte)FrameType.Presence, [2, 2, (byte)'#', (byte)'a', .. s_digest, 1, (byte)'b', 0, 0] },
        { "presence: an unknown flag", (byte)FrameType.Presence, [1, 2, (byte)'#', (byte)'a', .. s_digest, 1, (byte)'b', 4, 0] },
        { "presence: flags on a parted notice", (byte)FrameType.Presence, [7, 2, (byte)'#', (byte)'a', .. s_digest, 1, (byte)'b', 1, 0] },
        { "presence: renamed to nothing", (byte)FrameType.Presence, [3, 0, .. s_digest, 1, (byte)'b', 0, 0] },
        { "presence: a text on a joined notice", (byte)FrameType.Presence, [1, 2, (byte)'#', (byte)'a', .. s_digest, 1, (byte)'b', 0, 1, (byte)'x'] },
        { "presence: a byte left over", (byte)FrameType.Presence, [2, 0, .. s_digest, 1, (byte)'b', 0, 0, 0] },
        { "room event: kind 11", (byte)FrameType.RoomEvent, [11, 2, (byte)'#', (byte)'a', .. s_digest, 1, (byte)'o', .. s_nobody, 0, 0] },
        { "room event: no room", (byte)FrameType.RoomEvent, [1, 0, .. s_digest, 1, (byte)'o', .. s_nobody, 0, 0] },
        { "room event: a kick of nobody", (byte)FrameType.RoomEvent, [3, 2, (byte)'#', (byte)'a', .. s_digest, 1, (byte)'o', .. s_nobody, 0, 0] },
        { "room event: a named nobody", (byte)FrameType.RoomEvent, [3, 2, (byte)'#', (byte)'a', .. s_digest, 1, (byte)'o', .. s_nobody, 1, (byte)'b', 0] },
        { "room event: a mode that is not +i or -i", (byte)FrameType.RoomEvent, [2, 2, (byte)'#', (byte)'a', .. s_digest, 1, (byte)'o', .. s_nobody, 0, 2, (byte)'+', (byte)'m'] },
        { "room info: kind 4", (byte)FrameType.RoomInfo, [4, 2, (byte)'#', (byte)'a', 0, 0, 0, 0, 1, 0] },
        { "room info: entered with no room", (byte)FrameType.RoomInfo, [1, 0, 0, 0, 0, 0, 1, 0] },
        { "room info: list end with a room", (byte)FrameType.RoomInfo, [3, 2, (byte)'#', (byte)'a', 0, 0, 0, 0, 1, 0] },
        { "room info: an unknown flag", (byte)FrameType.RoomInfo, [1, 2, (byte)'#', (byte)'a', 8, 0, 0, 0, 1, 0, .. new byte[16]] },
        { "room info: entered without a group id", (byte)FrameType.RoomInfo, [1, 2, (byte)'#', (byte)'a', 0, 0, 0, 0, 1, 0] },
        { "room info: entered with 15 bytes of group id", (byte)FrameType.RoomInfo, [1, 2, (byte)'#', (byte)'a', 0, 0, 0, 0, 1, 0, .. new byte[15]] },
        { "room info: entered with 17 bytes of group id", (byte)FrameType.RoomInfo, [1, 2, (byte)'#', (byte)'a', 0, 0, 0, 0, 1, 0, .. new byte[17]] },
        { "room info: listed with the founder flag", (byte)FrameType.RoomInfo, [2, 2, (byte)'#', (byte)'a', 4, 0, 0, 0, 1, 0] },
        { "room info: listed with a group id", (byte)FrameType.RoomInfo, [2, 2, (byte)'#', (byte)'a', 0, 0, 0, 0, 1, 0, .. new byte[16]] },
        { "room info: members cut short", (byte)FrameType.RoomInfo, [1, 2, (byte)'#', (byte)'a', 0, 0, 0] },
        { "reply: code 16", (byte)FrameType.Reply, [16, 1, 0, .. s_nobody, 0, 0] },
        { "reply: op 16", (byte)FrameType.Reply, [0, 16, 0, .. s_nobody, 0, 0] },
        { "reply: op 0x27", (byte)FrameType.Reply, [0, 0x27, 0, .. s_nobody, 0, 0] },
        { "reply: op 0x22", (byte)FrameType.Reply, [0, 0x22, 0, .. s_nobody, 0, 0] },
        { "reply: op 0x21 (version 3's answer to a Chat)", (byte)FrameType.Reply, [0, 0x21, 0, .. s_nobody, 0, 0] },
        { "reply: a text length past the end", (byte)FrameType.Reply, [0, 1, 0, .. s_nobody, 0, 9, (byte)'x'] },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_malformed_plaintext_is_refused_without_an_exception(string what, byte type, byte[] plaintext)
    {
        Parses((FrameType)type, plaintext).ShouldBeFalse(what);
    }

    /// <summary>The parser of <paramref name="type"/>'s layout.</summary>
    internal static bool Parses(FrameType type, ReadOnlySpan<byte> plaintext) => type switch
    {
        FrameType.Nick => NickRecord.TryParse(plaintext, out _),
        FrameType.Request => RequestRecord.TryParse(plaintext, out _),
        FrameType.Presence => PresenceRecord.TryParse(plaintext, out _),
        FrameType.RoomEvent => RoomEventRecord.TryParse(plaintext, out _),
        FrameType.RoomInfo => RoomInfoRecord.TryParse(plaintext, out _),
        FrameType.Reply => ReplyRecord.TryParse(plaintext, out _),
        FrameType.Ack => AckRecord.TryParse(plaintext, out _),
        _ => throw new ArgumentException($"{type} has no layout here", nameof(type)),
    };
}
