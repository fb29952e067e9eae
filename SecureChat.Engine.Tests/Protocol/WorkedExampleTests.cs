using System.Buffers;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Protocol;

/// <summary>
/// Regenerates the worked example of PROTOCOL.md section 9 (a full handshake and the first records, with fixed
/// randoms) and checks it against the file byte for byte. Set SECURECHAT_UPDATE_PROTOCOL_EXAMPLE=1 to rewrite
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
        byte[] clientExponent = Fixed("client exponent", 32);
        byte[] clientNonce = Fixed("client nonce", 32);
        byte[] serverExponent = Fixed("server exponent", 32);
        byte[] serverNonce = Fixed("server nonce", 32);
        byte[] clientIv0 = Fixed("client iv 0", 16);
        byte[] clientIv1 = Fixed("client iv 1", 16);

        var clientRandom = new ScriptedRandom(clientExponent, clientNonce, clientIv0, clientIv1);
        var serverRandom = new ScriptedRandom(serverExponent, serverNonce);
        using var client = new SecureSession(new SessionSettings { Role = SessionRole.Client, Random = clientRandom });
        using var server = new SecureSession(new SessionSettings { Role = SessionRole.Server, Random = serverRandom });
        var clientChat = new ChatChannel(client);
        _ = new ChatChannel(server);

        client.Start();
        byte[] clientHello = Take(client);
        server.Start();
        server.Receive(clientHello);
        byte[] serverHello = Take(server);
        client.Receive(serverHello);
        byte[] commit = Take(client);
        server.Receive(commit);
        byte[] keyShare = Take(server);
        client.Receive(keyShare);
        byte[] reveal = Take(client);
        server.Receive(reveal);
        server.DeriveKeys();
        byte[] serverFinished = Take(server);
        client.DeriveKeys();
        client.Receive(serverFinished);
        byte[] clientFinished = Take(client);
        server.Receive(clientFinished);
        client.IsSecure.ShouldBeTrue();
        server.IsSecure.ShouldBeTrue();

        clientChat.SendNick("alice");
        byte[] nickRecord = Take(client);
        clientChat.SendChat("Hello, Bob!");
        byte[] chatRecord = Take(client);
        server.Receive([.. nickRecord, .. chatRecord]);
        var events = new List<SessionEvent>();
        server.DrainEvents(events);
        events.OfType<MessageReceivedEvent>().ShouldContain(m => m.Text == "Hello, Bob!");

        // Recompute the intermediate values from the frames with the primitives, as another implementation would.
        DhGroup group = DhGroup.Ffdhe2048;
        var yServer = new BigInteger(keyShare.AsSpan(5 + 32), isUnsigned: true, isBigEndian: true);
        var xClient = new BigInteger(clientExponent, isUnsigned: true, isBigEndian: true);
        byte[] z = new byte[group.ElementSize];
        BigInteger.ModPow(yServer, xClient, group.P).TryWriteBytes(z, out int zLength, isUnsigned: true, isBigEndian: true).ShouldBeTrue();
        z = [.. new byte[group.ElementSize - zLength], .. z.AsSpan(0, zLength)];
        byte[] th = SHA256.HashData([.. clientHello, .. serverHello, .. commit, .. keyShare, .. reveal]);
        byte[] master = Rfc2898DeriveBytes.Pbkdf2(z, th, 100_000, HashAlgorithmName.SHA256, 32);
        using SessionKeys keys = KeySchedule.DeriveSessionKeys(master);
        keys.Fingerprint.ShouldBe(client.Fingerprint);
        keys.Sas.ShouldBe(server.Sas);

        var text = new StringBuilder();
        text.Append('\n');
        text.Append("Fixed randoms (each is the first bytes of SHA-256(\"SecureChat worked example \" || name)):\n\n```\n");
        Hex(text, "x_c   client exponent", clientExponent);
        Hex(text, "N_c   client nonce", clientNonce);
        Hex(text, "x_s   server exponent", serverExponent);
        Hex(text, "N_s   server nonce", serverNonce);
        Hex(text, "IV    client record 0 (Nick)", clientIv0);
        Hex(text, "IV    client record 1 (Chat)", clientIv1);
        text.Append("```\n\nHandshake frames:\n\n```\n");
        Hex(text, "ClientHello", clientHello);
        Hex(text, "ServerHello", serverHello);
        Hex(text, "Commit", commit);
        Hex(text, "KeyShare", keyShare);
        Hex(text, "Reveal", reveal);
        text.Append("```\n\nDerived values:\n\n```\n");
        Hex(text, "Z      shared secret", z);
        Hex(text, "TH     transcript hash", th);
        Hex(text, "master PBKDF2-HMAC-SHA256(Z, TH, 100000, 32)", master);
        Hex(text, "c2s encryption", keys.ClientToServerEncryption.ToArray());
        Hex(text, "c2s mac", keys.ClientToServerMac.ToArray());
        Hex(text, "s2c encryption", keys.ServerToClientEncryption.ToArray());
        Hex(text, "s2c mac", keys.ServerToClientMac.ToArray());
        Hex(text, "client finished key", keys.ClientFinished.ToArray());
        Hex(text, "server finished key", keys.ServerFinished.ToArray());
        Hex(text, "rekey chain", keys.Chain.ToArray());
        text.Append("fingerprint: ").Append(keys.Fingerprint).Append('\n');
        text.Append("SAS:         ").Append(keys.Sas).Append('\n');
        text.Append("```\n\nKey confirmation:\n\n```\n");
        Hex(text, "server Finished frame", serverFinished);
        Hex(text, "client Finished frame", clientFinished);
        text.Append("```\n\nThe client's first records (seq 0 and 1, direction 0x01):\n\n```\n");
        Hex(text, "Nick \"alice\" frame", nickRecord);
        Hex(text, "Chat (alice) \"Hello, Bob!\" frame", chatRecord);
        text.Append("```\n");
        return text.ToString();
    }

    private static byte[] Fixed(string name, int length) =>
        SHA256.HashData(Encoding.ASCII.GetBytes("SecureChat worked example " + name))[..length];

    private static byte[] Take(SecureSession session)
    {
        ArrayBufferWriter<byte> output = session.ExchangeOutput(new ArrayBufferWriter<byte>());
        return output.WrittenSpan.ToArray();
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

    /// <summary>Hands out the given values in order; any other request is a test bug.</summary>
    private sealed class ScriptedRandom(params byte[][] values) : IRandomSource
    {
        private readonly Queue<byte[]> _values = new(values);

        public void Fill(Span<byte> destination)
        {
            byte[] next = _values.Dequeue();
            next.Length.ShouldBe(destination.Length);
            next.CopyTo(destination);
        }
    }
}
