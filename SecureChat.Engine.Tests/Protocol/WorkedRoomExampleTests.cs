using System.Buffers.Binary;
using System.Text;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Transport;
using static SecureChat.Engine.Tests.Protocol.NamedRandom;
using static SecureChat.Engine.Tests.Protocol.WorkedExampleText;
using static SecureChat.Engine.Tests.Protocol.WorkedExampleWire;

namespace SecureChat.Engine.Tests.Protocol;

/// <summary>
/// Regenerates PROTOCOL.md section 9.3, the records of rooms and moderation: a join (the Request, then RoomInfo
/// entered and Presence member), a refused request (Reply not operator), an operator's change and a topic set
/// (RoomEvent opped and topic), and a kick (Request, RoomEvent kicked), each client record with the hub's Ack, sealed
/// under the keys of the handshake of 9.1 (the messages of a room and a direct conversation are 9.4's). Every plaintext is built here byte by byte from section 4.1's layouts, as another
/// implementation would, and must equal what the engine sealed; the client's session must accept every hub record.
/// Set SECURECHAT_UPDATE_PROTOCOL_EXAMPLE=1 to rewrite the block after an intended wire change.
/// </summary>
public sealed class WorkedRoomExampleTests(ITestOutputHelper output)
{
    private const string Begin = "<!-- worked-example-rooms:begin -->";
    private const string End = "<!-- worked-example-rooms:end -->";

    [Fact]
    public void The_rooms_worked_example_in_PROTOCOL_md_is_what_the_engine_seals_for_the_layouts_of_section_4_1()
    {
        string path = Path.Combine(VectorFiles.RepositoryRoot, "PROTOCOL.md");
        string document = File.ReadAllText(path);
        int begin = document.IndexOf(Begin, StringComparison.Ordinal);
        int end = document.IndexOf(End, StringComparison.Ordinal);
        begin.ShouldBeGreaterThanOrEqualTo(0, "PROTOCOL.md lacks the rooms example's begin marker");
        end.ShouldBeGreaterThan(begin, "PROTOCOL.md lacks the rooms example's end marker");

        (string generated, int records) = Generate();
        string current = document[(begin + Begin.Length)..end];
        if (Environment.GetEnvironmentVariable("SECURECHAT_UPDATE_PROTOCOL_EXAMPLE") == "1")
        {
            File.WriteAllText(path, document[..(begin + Begin.Length)] + generated + document[end..]);
            current = generated;
        }

        current.ReplaceLineEndings("\n").ShouldBe(generated);
        output.WriteLine($"{records} records rebuilt from section 4.1's layouts and opened under 9.1's keys; {generated.Length:N0} characters of PROTOCOL.md match");
    }

    private static (string Text, int Records) Generate()
    {
        var draws = new List<(string Name, byte[] Value)>();
        using var serverIdentity = new SeededSigner(Fixed("server identity seed", 32));
        using var clientIdentity = new SeededSigner(Fixed("client identity seed", 32));
        using var bobIdentity = new SeededSigner(Fixed("bob identity seed", 32));
        using var malloryIdentity = new SeededSigner(Fixed("mallory identity seed", 32));
        byte[] alice = IdentityFingerprint.IdentityDigest(clientIdentity.PublicKey);
        byte[] bob = IdentityFingerprint.IdentityDigest(bobIdentity.PublicKey);
        byte[] mallory = IdentityFingerprint.IdentityDigest(malloryIdentity.PublicKey);

        // The handshake of 9.1 (same fixed values, so the same keys), then the records of this example.
        string[] handshakeClient = ["client hello nonce", "client exponent", "client commit nonce", "client iv ClientAuth"];
        string[] handshakeServer = ["server hello nonce", "server exponent", "server key share nonce", "server iv ServerAuth", "server iv Heartbeat"];
        var clientRandom = new NamedRandom(draws, [.. handshakeClient, "client iv Heartbeat (probe)", "client iv Request join", "client iv Request topic", "client iv Request topic again", "client iv Request kick"]);
        var serverRandom = new NamedRandom(draws, [.. handshakeServer, "server iv Ack 1", "server iv Ack join", "server iv RoomInfo", "server iv Presence member",
            "server iv Ack topic", "server iv Reply", "server iv RoomEvent opped", "server iv Ack topic again", "server iv RoomEvent topic",
            "server iv Presence joined", "server iv Ack kick", "server iv RoomEvent kicked"]);
        var time = new ManualTime();
        using var client = new SecureSession(new SessionSettings { Role = SessionRole.Client, Random = clientRandom, Identity = clientIdentity, Name = "alice", Time = time });
        using var server = new SecureSession(new SessionSettings { Role = SessionRole.Server, Random = serverRandom, Identity = serverIdentity, Name = "hub", Time = time });
        var clientChat = new ChatChannel(client);
        var serverChat = new ChatChannel(server);
        Handshake hs = RunHandshake(client, server);

        // 9.1's first lag probe and its Ack (the same frames as there), not shown again.
        byte[] probe = Take(client);
        Frames.TypeOf(probe).ShouldBe(FrameType.Heartbeat);
        server.Receive(probe);
        client.Receive(Take(server));
        int prefixDraws = draws.Count;
        Derived d = Recompute(hs, DhGroup.Ffdhe2048, Fixed("client exponent", 32), generator: null, WireFormat.IterationsDefault);
        d.Keys.Fingerprint.ShouldBe(hs.Fingerprint);

        var wire = new ExampleWire(client, server, d.Keys);
        var text = new StringBuilder();

        // A join: the Request, the Ack, then RoomInfo entered and one Presence member per other member (bob, its operator).
        clientChat.SendRequest(RoomOp.Join, "#rust", string.Empty, string.Empty);
        wire.ToServer(wire.FromClient("Request join #rust", [1, .. Str8("#rust"), .. Str8(""), .. Str8("")]));
        wire.FromServer("Ack (received 3)", U64(3));
        byte[] groupId = [.. Enumerable.Range(0x51, WireFormat.GroupIdSize).Select(i => (byte)i)];
        serverChat.SendRoomInfo(RoomInfoKind.Entered, "#rust", 0, 2, "Rust talk", groupId);
        wire.FromServer("RoomInfo entered #rust (not invite-only, not its operator, not its founder, 2 members, topic \"Rust talk\", the room's group id)", [1, .. Str8("#rust"), 0x00, .. U32(2), .. Str8("Rust talk"), .. groupId]);
        serverChat.SendPresence(PresenceKind.Member, "#rust", bob, "bob", 0x01, string.Empty);
        wire.FromServer("Presence member (#rust, bob, flags 0x01: operator)", [4, .. Str8("#rust"), .. bob, .. Str8("bob"), 0x01, .. Str8("")]);

        // alice asks to set the topic before she is an operator: refused with a Reply, the session goes on.
        byte[] nobody = new byte[WireFormat.IdentityDigestSize];
        clientChat.SendRequest(RoomOp.Topic, "#rust", string.Empty, "Rust 2027");
        wire.ToServer(wire.FromClient("Request topic (#rust, \"Rust 2027\")", [4, .. Str8("#rust"), .. Str8(""), .. Str8("Rust 2027")]));
        wire.FromServer("Ack (received 4)", U64(4));
        serverChat.SendReply(ReplyCode.NotOperator, (byte)RoomOp.Topic, "#rust", nobody, string.Empty, string.Empty);
        wire.FromServer("Reply not operator (op 4 topic, #rust, nobody)", [4, 4, .. Str8("#rust"), .. nobody, .. Str8(""), .. Str8("")]);

        // bob makes alice an operator of #rust, she sets the topic, mallory enters, and alice kicks mallory.
        serverChat.SendRoomEvent(RoomNoticeKind.Opped, "#rust", bob, "bob", alice, "alice", string.Empty);
        wire.FromServer("RoomEvent opped (#rust, actor bob, target alice)", [8, .. Str8("#rust"), .. bob, .. Str8("bob"), .. alice, .. Str8("alice"), .. Str8("")]);
        clientChat.SendRequest(RoomOp.Topic, "#rust", string.Empty, "Rust 2027");
        wire.ToServer(wire.FromClient("Request topic (#rust, \"Rust 2027\"), again", [4, .. Str8("#rust"), .. Str8(""), .. Str8("Rust 2027")]));
        wire.FromServer("Ack (received 5)", U64(5));
        serverChat.SendRoomEvent(RoomNoticeKind.Topic, "#rust", alice, "alice", nobody, string.Empty, "Rust 2027");
        wire.FromServer("RoomEvent topic (#rust, actor alice, no target, \"Rust 2027\")", [1, .. Str8("#rust"), .. alice, .. Str8("alice"), .. nobody, .. Str8(""), .. Str8("Rust 2027")]);
        serverChat.SendPresence(PresenceKind.Joined, "#rust", mallory, "mallory", 0, string.Empty);
        wire.FromServer("Presence joined (#rust, mallory, flags 0)", [1, .. Str8("#rust"), .. mallory, .. Str8("mallory"), 0x00, .. Str8("")]);
        clientChat.SendRequest(RoomOp.Kick, "#rust", "mallory", "spam");
        wire.ToServer(wire.FromClient("Request kick (#rust, \"mallory\", reason \"spam\")", [7, .. Str8("#rust"), .. Str8("mallory"), .. Str8("spam")]));
        wire.FromServer("Ack (received 6)", U64(6));
        serverChat.SendRoomEvent(RoomNoticeKind.Kicked, "#rust", alice, "alice", mallory, "mallory", "spam");
        wire.FromServer("RoomEvent kicked (#rust, actor alice, target mallory, reason \"spam\")", [3, .. Str8("#rust"), .. alice, .. Str8("alice"), .. mallory, .. Str8("mallory"), .. Str8("spam")]);

        clientRandom.ShouldBeUsedUp();
        serverRandom.ShouldBeUsedUp();
        client.Failure.ShouldBeNull();
        server.Failure.ShouldBeNull();
        var events = new List<SessionEvent>();
        client.DrainEvents(events);
        events.OfType<RoomInfoEvent>().ShouldHaveSingleItem().ShouldBe(new RoomInfoEvent(RoomInfoKind.Entered, "#rust", 0, 2, "Rust talk") { GroupId = [.. Enumerable.Range(0x51, WireFormat.GroupIdSize).Select(i => (byte)i)] });
        ReplyEvent reply = events.OfType<ReplyEvent>().ShouldHaveSingleItem();
        (reply.Code, reply.Op, reply.Room).ShouldBe((ReplyCode.NotOperator, (byte)RoomOp.Topic, "#rust"));
        events.OfType<RoomNoticeEvent>().Select(e => (e.Kind, e.ActorName, e.TargetName, e.Text))
            .ShouldBe([(RoomNoticeKind.Opped, "bob", "alice", ""), (RoomNoticeKind.Topic, "alice", "", "Rust 2027"), (RoomNoticeKind.Kicked, "alice", "mallory", "spam")]);
        events.OfType<PresenceEvent>().Select(p => (p.Kind, p.Name)).ShouldBe([(PresenceKind.Member, "bob"), (PresenceKind.Joined, "mallory")]);

        text.Append("\n### 9.3 Rooms, a refused request and a kick\n\n");
        text.Append("The session of 9.1 up to the Ack of the client's first lag probe (the same fixed values, so the same\n");
        text.Append("keys, before its rekey: client records from seq 2, server records from seq 3), then a join of #rust, where\n");
        text.Append("bob is an operator; alice asking to set the topic, refused as she is no operator (the session goes on);\n");
        text.Append("bob making alice an operator, alice setting the topic, mallory entering, and alice kicking mallory. Each\n");
        text.Append("record is shown as its plaintext (built from the layouts of section 4.1) and as the frame sealed with its\n");
        text.Append("sequence number. The hub acknowledges each read that brought a client record (section 4.7); the records it\n");
        text.Append("sends bob and mallory meanwhile, and the MLS records of #rust's group (9.4), are not shown.\n\n");
        text.Append("```\n");
        Hex(text, "mallory identity seed", Fixed("mallory identity seed", 32));
        Hex(text, "mallory identity digest SHA-256(public key)", mallory);
        Hex(text, "client (alice) identity digest SHA-256(public key)", alice);
        text.Append("```\n\n");
        AppendDraws(text, draws.Skip(prefixDraws).ToList(), "Fixed randoms after that Ack, in the order the two sides draw them");
        text.Append("Records:\n\n```\n");
        text.Append(wire.Text);
        text.Append("```\n");
        return (text.ToString(), wire.Count);
    }

    /// <summary>A str8 field: u8 length || UTF-8.</summary>
    private static byte[] Str8(string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        return [(byte)bytes.Length, .. bytes];
    }

    private static byte[] U32(uint value)
    {
        byte[] bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] U64(ulong value)
    {
        byte[] bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return bytes;
    }

    /// <summary>
    /// Takes each record a side sealed, checks that it opens under the example's keys at the next sequence number of
    /// its sender to the plaintext built from the layout, and writes both to the example's text.
    /// </summary>
    private sealed class ExampleWire(SecureSession client, SecureSession server, SessionKeys keys)
    {
        private readonly Queue<byte[]> _serverFrames = new();
        private ulong _clientSeq = 2;
        private ulong _serverSeq = 3;

        public StringBuilder Text { get; } = new();

        public int Count { get; private set; }

        public byte[] FromClient(string label, byte[] plaintext) => Next(client, ref _clientSeq, serverToClient: false, "client", label, plaintext, []);

        public byte[] FromServer(string label, byte[] plaintext)
        {
            byte[] frame = Next(server, ref _serverSeq, serverToClient: true, "server", label, plaintext, _serverFrames);
            client.Receive(frame);
            client.Failure.ShouldBeNull($"the client refused the {label}");
            return frame;
        }

        public void ToServer(byte[] frame)
        {
            server.Receive(frame);
            server.Failure.ShouldBeNull();
            foreach (byte[] sealedFrame in Frames.Split(Take(server)))
            {
                _serverFrames.Enqueue(sealedFrame);
            }
        }

        private byte[] Next(SecureSession side, ref ulong sequence, bool serverToClient, string who, string label, byte[] plaintext, Queue<byte[]> pending)
        {
            foreach (byte[] sealedFrame in Frames.Split(Take(side)))
            {
                pending.Enqueue(sealedFrame);
            }

            pending.TryDequeue(out byte[]? frame).ShouldBeTrue($"the {who} sealed no {label}");
            Open(keys, serverToClient, sequence, frame!).ShouldBe(plaintext, $"{label}: the engine's plaintext and section 4.1's layout differ");
            Hex(Text, $"{label} plaintext", plaintext);
            Hex(Text, $"{label} ({who} seq {sequence}) frame", frame!);
            sequence++;
            Count++;
            return frame!;
        }
    }
}
