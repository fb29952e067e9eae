using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Support;
using static SecureChat.Engine.Tests.Protocol.NamedRandom;
using static SecureChat.Engine.Tests.Protocol.WorkedExampleWire;

namespace SecureChat.Engine.Tests.Protocol;

/// <summary>
/// Regenerates the worked examples of PROTOCOL.md section 9 (a full v4 handshake with identities, a GroupMessage and a
/// GroupRelay, a rekey, a heartbeat and a Close with its count; then a passphrase (CPace) handshake), with fixed randoms
/// and fixed identity keys, recomputes every derived value from the frames with the primitives as another
/// implementation would, and checks the result against the file byte for byte. Set SECURECHAT_UPDATE_PROTOCOL_EXAMPLE=1 to rewrite
/// the block after an intended wire change.
/// </summary>
public sealed class WorkedExampleTests
{
    private const string Begin = "<!-- worked-example:begin -->";
    private const string End = "<!-- worked-example:end -->";

    [Fact]
    public void The_worked_example_in_PROTOCOL_md_is_what_the_engine_produces()
    {
        string path = Path.Combine(VectorFiles.RepositoryRoot, "PROTOCOL.md");
        string document = File.ReadAllText(path);
        int begin = document.IndexOf(Begin, StringComparison.Ordinal);
        int end = document.IndexOf(End, StringComparison.Ordinal);
        begin.ShouldBeGreaterThanOrEqualTo(0, "PROTOCOL.md lacks the worked-example begin marker");
        end.ShouldBeGreaterThan(begin, "PROTOCOL.md lacks the worked-example end marker");

        string generated = Generate();
        string current = document[(begin + Begin.Length)..end];
        if (Environment.GetEnvironmentVariable("SECURECHAT_UPDATE_PROTOCOL_EXAMPLE") == "1")
        {
            File.WriteAllText(path, document[..(begin + Begin.Length)] + generated + document[end..]);
            current = generated;
        }

        current.ReplaceLineEndings("\n").ShouldBe(generated);
    }

    internal static string Generate()
    {
        var text = new StringBuilder();
        var draws = new List<(string Name, byte[] Value)>();
        using var serverIdentity = new SeededSigner(Fixed("server identity seed", 32));
        using var clientIdentity = new SeededSigner(Fixed("client identity seed", 32));
        using var bobIdentity = new SeededSigner(Fixed("bob identity seed", 32));
        DhGroup group = DhGroup.Ffdhe2048;
        int exponentSize = group.ExponentBits / 8;

        text.Append('\n');
        text.Append("Identity keys (Ed25519, RFC 8032; each private key is a 32-byte seed, the first 32 bytes of\n");
        text.Append("SHA-256(\"SecureChat v2 worked example \" || name), where name is the ASCII label written before the\n");
        text.Append("value, without the size: the server's seed is SHA-256(\"SecureChat v2 worked example server identity seed\")):\n\n```\n");
        Hex(text, "server identity seed", Fixed("server identity seed", 32));
        Hex(text, "server identity public key", serverIdentity.PublicKey);
        Hex(text, "client identity seed", Fixed("client identity seed", 32));
        Hex(text, "client identity public key", clientIdentity.PublicKey);
        Hex(text, "bob identity seed", Fixed("bob identity seed", 32));
        Hex(text, "bob identity public key", bobIdentity.PublicKey);
        Hex(text, "bob identity digest SHA-256(public key)", IdentityFingerprint.IdentityDigest(bobIdentity.PublicKey));
        text.Append("```\n");

        // ---- 9.1 A full handshake with identities, then records, a rekey, a heartbeat and a Close ----------------
        var time = new ManualTime();
        var clientRandom = new NamedRandom(draws, "client hello nonce", "client exponent", "client commit nonce", "client iv ClientAuth", "client iv Heartbeat (probe)", "client iv GroupMessage",
            "client rekey exponent", "client rekey nonce", "client iv RekeyInit", "client iv RekeyFinish", "client iv Heartbeat");
        var serverRandom = new NamedRandom(draws, "server hello nonce", "server exponent", "server key share nonce", "server iv ServerAuth", "server iv Heartbeat", "server iv Ack 1", "server iv Ack 2", "server iv GroupRelay",
            "server rekey exponent", "server rekey nonce", "server iv RekeyAck", "server iv Ack 3", "server iv Close");
        using var client = new SecureSession(new SessionSettings { Role = SessionRole.Client, Random = clientRandom, Identity = clientIdentity, Name = "alice", Time = time });
        using var server = new SecureSession(new SessionSettings { Role = SessionRole.Server, Random = serverRandom, Identity = serverIdentity, Name = "hub", Time = time });
        var atClient = new GroupRecordRecorder();
        var atHub = new GroupRecordRecorder();
        var clientChat = new ChatChannel(client) { MemberRecords = atClient };
        var serverChat = new ChatChannel(server) { HubRecords = atHub };
        Handshake hs = RunHandshake(client, server);

        byte[] probe = Take(client); // the client's first lag probe, sealed once it became secure
        Frames.TypeOf(probe).ShouldBe(FrameType.Heartbeat);
        server.Receive(probe);
        byte[] ack1 = Take(server);
        client.Receive(ack1);
        byte[] aliceMls = PrivateMessage("alice's");
        byte[] bobMls = PrivateMessage("bob's");
        clientChat.Groups.SendGroupMessage(GroupTarget.ForRoom("#lobby"), aliceMls);
        byte[] messageRecord = Take(client);
        server.Receive(messageRecord);
        var serverEvents = new List<SessionEvent>();
        server.DrainEvents(serverEvents);
        GroupRecordRecorder.DeliverAll(serverEvents);
        GroupMessageRecord message = atHub.Of<GroupMessageRecord>().ShouldHaveSingleItem();
        message.Target.ShouldBe(GroupTarget.ForRoom("#lobby"));
        message.Mls.ShouldBe(aliceMls);
        byte[] ack2 = Take(server);
        client.Receive(ack2);
        byte[] bob = IdentityFingerprint.IdentityDigest(bobIdentity.PublicKey);
        serverChat.Groups.SendGroupRelay(GroupTarget.ForRoom("#lobby"), bob, "bob", bobMls);
        byte[] relayRecord = Take(server);
        client.Receive(relayRecord);
        var clientEvents = new List<SessionEvent>();
        client.DrainEvents(clientEvents);
        GroupRecordRecorder.DeliverAll(clientEvents);
        GroupRelayRecord relayed = atClient.Of<GroupRelayRecord>().ShouldHaveSingleItem();
        (relayed.Target, relayed.Name).ShouldBe((GroupTarget.ForRoom("#lobby"), "bob"));
        relayed.Digest.ShouldBe(bob);
        relayed.Mls.ShouldBe(bobMls);

        string firstFingerprint = client.Fingerprint!;
        client.RequestRekey().ShouldBeTrue();
        RunRekeyJob(client);
        byte[] rekeyInit = Take(client);
        server.Receive(rekeyInit);
        RunRekeyJob(server);
        byte[] rekeyAck = Take(server);
        client.Receive(rekeyAck);
        byte[] rekeyFinish = Take(client);
        server.Receive(rekeyFinish);
        client.Fingerprint.ShouldBe(server.Fingerprint);
        client.Fingerprint.ShouldNotBe(firstFingerprint);

        time.Advance(TimeSpan.FromSeconds(15));
        client.OnTick(time.GetTimestamp());
        byte[] heartbeat = Take(client);
        server.Receive(heartbeat);
        byte[] ack3 = Take(server);
        client.Receive(ack3);

        server.Close();
        byte[] close = Take(server);
        client.Receive(close);
        clientEvents.Clear();
        client.DrainEvents(clientEvents);
        clientEvents.OfType<ClosedEvent>().ShouldHaveSingleItem().ShouldBe(new ClosedEvent(ByPeer: true, AlertCode.Normal, Undelivered: 0));
        clientRandom.ShouldBeUsedUp();
        serverRandom.ShouldBeUsedUp();

        // Everything again from the frames and the fixed values, with the primitives only.
        Derived d = Recompute(hs, group, Named(draws, "client exponent"), generator: null, WireFormat.IterationsDefault);
        d.Keys.Fingerprint.ShouldBe(firstFingerprint);
        d.Keys.Sas.ShouldBe(hs.Sas);
        (byte[] serverAuthPlain, byte[] clientAuthPlain) = Auth(d, serverIdentity, "hub", clientIdentity, "alice");
        Open(d.Keys, serverToClient: true, 0, hs.ServerAuth).ShouldBe(serverAuthPlain);
        Open(d.Keys, serverToClient: false, 0, hs.ClientAuth).ShouldBe(clientAuthPlain);
        Open(d.Keys, serverToClient: false, 1, probe).ShouldBe([]);
        byte[] messagePlain = [6, .. "#lobby"u8, .. aliceMls];
        Open(d.Keys, serverToClient: false, 2, messageRecord).ShouldBe(messagePlain);
        byte[] relayPlain = [6, .. "#lobby"u8, .. bob, 3, .. "bob"u8, .. bobMls];
        Open(d.Keys, serverToClient: true, 1, hs.ServerHeartbeat).ShouldBe([]);
        Open(d.Keys, serverToClient: true, 2, ack1).ShouldBe(new byte[] { 0, 0, 0, 0, 0, 0, 0, 2 }, "the hub has opened 2 of the client's records");
        Open(d.Keys, serverToClient: true, 3, ack2).ShouldBe(new byte[] { 0, 0, 0, 0, 0, 0, 0, 3 });
        Open(d.Keys, serverToClient: true, 4, relayRecord).ShouldBe(relayPlain);

        byte[] xInitiator = Named(draws, "client rekey exponent");
        byte[] nInitiator = Named(draws, "client rekey nonce");
        byte[] yInitiator = Power(DhGroup.G, xInitiator, group);
        byte[] nResponder = Named(draws, "server rekey nonce");
        byte[] yResponder = Power(DhGroup.G, Named(draws, "server rekey exponent"), group);
        Open(d.Keys, serverToClient: false, 3, rekeyInit).ShouldBe([.. nInitiator, .. yInitiator]);
        Open(d.Keys, serverToClient: true, 5, rekeyAck).ShouldBe([.. nResponder, .. yResponder], "the RekeyAck is still sealed under the first keys");
        byte[] zRekey = Power(new BigInteger(yResponder, isUnsigned: true, isBigEndian: true), xInitiator, group);
        byte[] rekeyTh = SHA256.HashData([.. "SecureChat v2 rekey"u8, 1, .. nInitiator, .. yInitiator, .. nResponder, .. yResponder]);
        byte[] rekeyMaster = HKDF.Extract(HashAlgorithmName.SHA256, [.. zRekey, .. rekeyTh], d.Keys.Chain.ToArray());
        using SessionKeys next = KeySchedule.DeriveSessionKeys(rekeyMaster);
        next.Fingerprint.ShouldBe(client.Fingerprint);
        Open(d.Keys, serverToClient: false, 4, rekeyFinish).ShouldBe([], "the RekeyFinish is the client's last record under the old keys");
        Open(next, serverToClient: false, 5, heartbeat).ShouldBe([]);
        Open(next, serverToClient: true, 6, ack3).ShouldBe(new byte[] { 0, 0, 0, 0, 0, 0, 0, 6 });
        byte[] closePlain = Open(next, serverToClient: true, 7, close);
        closePlain.ShouldBe(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 6 }, "code Normal, 6 client records received");

        text.Append("\n### 9.1 A handshake with identities, records, a rekey, a heartbeat and a Close\n\n");
        text.Append("ffdhe2048, the server's default 100,000 PBKDF2 iterations, no passphrase; the server is named \"hub\" and the\n");
        text.Append("client \"alice\". Then the client sends its first lag probe (a heartbeat) and the hub acknowledges it, the\n");
        text.Append("client sends a GroupMessage to #lobby's group and the hub acknowledges it, the hub relays bob's message in\n");
        text.Append("#lobby's group (a GroupRelay), the client starts a rekey, sends its next probe 15 s after the first\n");
        text.Append("(acknowledged), and the hub closes. The two MLS messages are PrivateMessages (RFC 9420 section 6.3) of\n");
        text.Append("#lobby's group (group id 51 52 .. 60) at epoch 1 whose encrypted parts are fixed bytes here (each the first\n");
        text.Append("L bytes of SHA-256(\"SecureChat v2 worked example \" || name) for the name given with it): the hub reads\n");
        text.Append("only their group id and epoch, and 9.4 shows MLS messages that members open.\n\n");
        AppendDraws(text, draws, "Fixed randoms, in the order the two sides draw them");
        hs.EarlyCommit.ShouldBeTrue("a client without a passphrase sends its Commit with its ClientHello");
        text.Append("Handshake frames (in the clear, part of the transcript), in the order they cross the wire and enter the\n");
        text.Append("transcript: the client's first flight is the ClientHello (flags 0x02: early Commit) and its Commit, the\n");
        text.Append("server's is the ServerHello and its KeyShare, the client's second is the Reveal:\n\n```\n");
        Hex(text, "ClientHello", hs.ClientHello);
        Hex(text, "Commit", hs.Commit);
        Hex(text, "ServerHello", hs.ServerHello);
        Hex(text, "KeyShare", hs.KeyShare);
        Hex(text, "Reveal", hs.Reveal);
        text.Append("```\n\nDerived values:\n\n```\n");
        AppendDerived(text, d, WireFormat.IterationsDefault, hs.EarlyCommit);
        text.Append("```\n\nServerAuth (the server's record 0) and ClientAuth (the client's record 0), plaintext then frame, and the\n");
        text.Append("server's Heartbeat (its record 1) that tells the client its ClientAuth was accepted:\n\n```\n");
        Hex(text, "server signature input \"SecureChat v2 server signature\" || TH", [.. "SecureChat v2 server signature"u8, .. d.TranscriptHash]);
        Hex(text, "ServerAuth plaintext (key || signature || u8 3 || \"hub\" || finished)", serverAuthPlain);
        Hex(text, "ServerAuth frame", hs.ServerAuth);
        Hex(text, "ClientAuth plaintext (key || signature || u8 5 || \"alice\" || finished)", clientAuthPlain);
        Hex(text, "ClientAuth frame", hs.ClientAuth);
        Hex(text, "Heartbeat (server seq 1, empty: the server's first record after ClientAuth; the client is secure once it opens) frame", hs.ServerHeartbeat);
        text.Append("fingerprint:          ").Append(hs.Fingerprint).Append('\n');
        text.Append("SAS:                  ").Append(hs.Sas).Append('\n');
        text.Append("server identity:      ").Append(IdentityFingerprint.Of(serverIdentity.PublicKey)).Append('\n');
        text.Append("client identity:      ").Append(IdentityFingerprint.Of(clientIdentity.PublicKey)).Append('\n');
        text.Append("```\n\nRecords:\n\n```\n");
        Hex(text, "Heartbeat (client seq 1, empty: the first lag probe) frame", probe);
        Hex(text, "Ack (server seq 2, u64 2: the hub has opened 2 client records) frame", ack1);
        Hex(text, "alice's MLSMessage (version 1, wire format 2, group id, epoch 1, content type 1, no authenticated data, " +
            "sender data \"alice's encrypted sender data\" (28 bytes), ciphertext \"alice's ciphertext\" (32 bytes))", aliceMls);
        Hex(text, "GroupMessage plaintext (target u8 6 || \"#lobby\" || alice's MLSMessage)", messagePlain);
        Hex(text, "GroupMessage (client seq 2) frame", messageRecord);
        Hex(text, "Ack (server seq 3, u64 3) frame", ack2);
        Hex(text, "bob's MLSMessage (as alice's, with \"bob's encrypted sender data\" (28 bytes) and \"bob's ciphertext\")", bobMls);
        Hex(text, "GroupRelay plaintext (target u8 6 || \"#lobby\" || bob's digest || u8 3 || \"bob\" || bob's MLSMessage)", relayPlain);
        Hex(text, "GroupRelay (server seq 4) frame", relayRecord);
        text.Append("```\n\nRekey (started by the client; RekeyInit and RekeyAck bodies are nonce || public value):\n\n```\n");
        Hex(text, "RekeyInit (client seq 3, old keys) frame", rekeyInit);
        Hex(text, "RekeyAck (server seq 5, old keys) frame", rekeyAck);
        Hex(text, "RekeyFinish (client seq 4, old keys, empty) frame", rekeyFinish);
        Hex(text, "Z'     rekey shared secret", zRekey);
        Hex(text, "TH'    SHA-256(\"SecureChat v2 rekey\" || 01 || N_i || Y_i || N_r || Y_r)", rekeyTh);
        Hex(text, "master' HKDF-Extract(salt = old rekey chain, IKM = Z' || TH')", rekeyMaster);
        Hex(text, "c2s encryption'", next.ClientToServerEncryption.ToArray());
        Hex(text, "c2s mac'", next.ClientToServerMac.ToArray());
        Hex(text, "s2c encryption'", next.ServerToClientEncryption.ToArray());
        Hex(text, "s2c mac'", next.ServerToClientMac.ToArray());
        Hex(text, "rekey chain'", next.Chain.ToArray());
        text.Append("fingerprint': ").Append(next.Fingerprint).Append('\n');
        text.Append("SAS':         ").Append(next.Sas).Append('\n');
        text.Append("```\n\nHeartbeat, Ack and Close (new keys):\n\n```\n");
        Hex(text, "Heartbeat (client seq 5, empty: the next lag probe) frame", heartbeat);
        Hex(text, "Ack (server seq 6, u64 6) frame", ack3);
        Hex(text, "Close plaintext (code 0 Normal || u64 6 client records received)", closePlain);
        Hex(text, "Close (server seq 7) frame", close);
        text.Append("```\n");

        // ---- 9.2 A passphrase (CPace) handshake ---------------------------------------------------------------------
        draws.Clear();
        var cpaceClientRandom = new NamedRandom(draws, "cpace client hello nonce", "cpace client exponent", "cpace client commit nonce", "cpace client iv ClientAuth", "cpace client iv Heartbeat (probe)");
        var cpaceServerRandom = new NamedRandom(draws, "cpace server hello nonce", "cpace server exponent", "cpace server key share nonce", "cpace server iv ServerAuth", "cpace server iv Heartbeat");
        byte[] passphrase = "tulip-1987"u8.ToArray();
        using var cpaceClient = new SecureSession(new SessionSettings { Role = SessionRole.Client, Random = cpaceClientRandom, Identity = clientIdentity, Name = "alice", Passphrase = passphrase });
        using var cpaceServer = new SecureSession(new SessionSettings { Role = SessionRole.Server, Random = cpaceServerRandom, Identity = serverIdentity, Name = "hub", Passphrase = passphrase });
        Handshake cpace = RunHandshake(cpaceClient, cpaceServer);
        cpaceClientRandom.ShouldBeUsedUp();
        cpaceServerRandom.ShouldBeUsedUp();

        byte[] prk = HKDF.Extract(HashAlgorithmName.SHA256, passphrase, "SecureChat v2 CPace"u8.ToArray());
        byte[] info = [.. "SecureChat v2 CPace generator"u8, 0x01, 0x00, .. Named(draws, "cpace client hello nonce"), .. Named(draws, "cpace server hello nonce")];
        byte[] h = HKDF.Expand(HashAlgorithmName.SHA256, prk, group.ElementSize + 32, info);
        byte[] g = Power(new BigInteger(h, isUnsigned: true, isBigEndian: true), [2], group);
        Derived c = Recompute(cpace, group, Named(draws, "cpace client exponent"), g, WireFormat.IterationsDefault);
        c.Keys.Fingerprint.ShouldBe(cpace.Fingerprint);
        (byte[] cpaceServerAuth, byte[] cpaceClientAuth) = Auth(c, serverIdentity, "hub", clientIdentity, "alice");
        Open(c.Keys, serverToClient: true, 0, cpace.ServerAuth).ShouldBe(cpaceServerAuth);
        Open(c.Keys, serverToClient: false, 0, cpace.ClientAuth).ShouldBe(cpaceClientAuth);

        text.Append("\n### 9.2 A passphrase (CPace) handshake\n\n");
        text.Append("The same identities, group and count, with the passphrase \"tulip-1987\" on both sides: the hellos carry flag\n");
        text.Append("0x01 and both key pairs are made on the generator g instead of 2.\n\n");
        AppendDraws(text, draws, "Fixed randoms, in the order the two sides draw them");
        text.Append("Generator:\n\n```\n");
        Hex(text, "PRK    HKDF-Extract(salt = \"SecureChat v2 CPace\", IKM = \"tulip-1987\")", prk);
        Hex(text, "info   \"SecureChat v2 CPace generator\" || u16 0x0100 || N_hc || N_hs", info);
        Hex(text, "h      HKDF-Expand(PRK, info, 256 + 32)", h);
        Hex(text, "g      h^2 mod p", g);
        text.Append("```\n\nHandshake frames:\n\n```\n");
        Hex(text, "ClientHello", cpace.ClientHello);
        Hex(text, "ServerHello", cpace.ServerHello);
        Hex(text, "Commit", cpace.Commit);
        Hex(text, "KeyShare", cpace.KeyShare);
        Hex(text, "Reveal", cpace.Reveal);
        text.Append("```\n\nDerived values:\n\n```\n");
        AppendDerived(text, c, WireFormat.IterationsDefault, cpace.EarlyCommit);
        Hex(text, "ServerAuth frame", cpace.ServerAuth);
        Hex(text, "ClientAuth frame", cpace.ClientAuth);
        text.Append("fingerprint:          ").Append(cpace.Fingerprint).Append('\n');
        text.Append("SAS:                  ").Append(cpace.Sas).Append('\n');
        text.Append("```\n");
        return text.ToString();
    }


    private static byte[] Named(List<(string Name, byte[] Value)> draws, string name) => draws.Single(d => d.Name == name).Value;

    /// <summary>
    /// An MLSMessage holding a PrivateMessage of #lobby's group (RFC 9420 sections 6, 6.3): <c>u16 version 1 || u16
    /// wire_format 2 || group_id&lt;V&gt; || u64 epoch || u8 content_type 1 || authenticated_data&lt;V&gt; ||
    /// encrypted_sender_data&lt;V&gt; || ciphertext&lt;V&gt;</c>, its encrypted parts fixed bytes named after
    /// <paramref name="who"/> (28 bytes of sender data, the size of 12 bytes sealed with a 16-byte tag, and 32 bytes
    /// of ciphertext). Each vector's length is under 64, so its variable-length size is one byte (RFC 9420 section 2.1.2).
    /// </summary>
    private static byte[] PrivateMessage(string who)
    {
        byte[] groupId = [.. Enumerable.Range(0x51, WireFormat.GroupIdSize).Select(i => (byte)i)];
        byte[] senderData = Fixed($"{who} encrypted sender data", 28);
        byte[] ciphertext = Fixed($"{who} ciphertext", 32);
        return [0, 1, 0, 2, (byte)groupId.Length, .. groupId, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, (byte)senderData.Length, .. senderData, (byte)ciphertext.Length, .. ciphertext];
    }

    private static void AppendDerived(StringBuilder text, Derived d, int iterations, bool earlyCommit)
    {
        Hex(text, "Z      shared secret", d.SharedSecret);
        Hex(text, earlyCommit
            ? "TH     transcript hash SHA-256(ClientHello || Commit || ServerHello || KeyShare || Reveal)"
            : "TH     transcript hash SHA-256(ClientHello || ServerHello || Commit || KeyShare || Reveal)", d.TranscriptHash);
        Hex(text, $"master PBKDF2-HMAC-SHA256(Z, TH, {iterations}, 32)", d.Master);
        Hex(text, "c2s encryption", d.Keys.ClientToServerEncryption.ToArray());
        Hex(text, "c2s mac", d.Keys.ClientToServerMac.ToArray());
        Hex(text, "s2c encryption", d.Keys.ServerToClientEncryption.ToArray());
        Hex(text, "s2c mac", d.Keys.ServerToClientMac.ToArray());
        Hex(text, "client finished key", d.Keys.ClientFinished.ToArray());
        Hex(text, "server finished key", d.Keys.ServerFinished.ToArray());
        Hex(text, "rekey chain", d.Keys.Chain.ToArray());
    }

    private static void AppendDraws(StringBuilder text, List<(string Name, byte[] Value)> draws, string title)
    {
        text.Append(title).Append(" (each is the first L bytes of SHA-256(\"SecureChat v2 worked example \" || name),\n");
        text.Append("name being the ASCII label written before the value (for example `client hello nonce`), L the size drawn;\n");
        text.Append("the two sides draw from separate sources, in the order listed for each):\n\n```\n");
        foreach ((string name, byte[] value) in draws)
        {
            Hex(text, name, value);
        }

        text.Append("```\n\n");
    }

    private static void Hex(StringBuilder text, string label, byte[] value)
    {
        text.Append(label).Append(" (").Append(value.Length).Append(" bytes):\n");
        string hex = Convert.ToHexString(value).ToLowerInvariant();
        for (int i = 0; i < hex.Length; i += 64)
        {
            text.Append("  ").Append(hex, i, Math.Min(64, hex.Length - i)).Append('\n');
        }
    }
}
