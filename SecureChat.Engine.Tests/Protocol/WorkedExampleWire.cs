using System.Buffers;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Protocol;

/// <summary>
/// Drives the two sessions of a worked example frame by frame, and recomputes what they derived from the frames
/// and the fixed values with the primitives alone, as another implementation would (PROTOCOL.md 9).
/// </summary>
internal static class WorkedExampleWire
{
    /// <param name="EarlyCommit">The Commit went with the ClientHello, and the ServerHello with the KeyShare (no passphrase).</param>
    internal sealed record Handshake(byte[] ClientHello, byte[] ServerHello, byte[] Commit, byte[] KeyShare, byte[] Reveal, byte[] ServerAuth, byte[] ClientAuth, string Fingerprint, string Sas, bool EarlyCommit)
    {
        /// <summary>The server's first record after ClientAuth (a Heartbeat), which makes the client secure.</summary>
        public byte[] ServerHeartbeat { get; init; } = [];

        /// <summary>The five cleartext frames in transcript order, which is the order they crossed the wire.</summary>
        public byte[] TranscriptFrames => EarlyCommit
            ? [.. ClientHello, .. Commit, .. ServerHello, .. KeyShare, .. Reveal]
            : [.. ClientHello, .. ServerHello, .. Commit, .. KeyShare, .. Reveal];
    }

    internal sealed record Derived(byte[] SharedSecret, byte[] TranscriptHash, byte[] Master, SessionKeys Keys);

    internal static Handshake RunHandshake(SecureSession client, SecureSession server)
    {
        client.Start();
        byte[] clientFlight = Take(client);
        server.Start();
        server.Receive(clientFlight);
        List<byte[]> first = Frames.Split(clientFlight);
        bool early = first.Count == 2;
        byte[] clientHello = first[0];
        byte[] serverHello, commit, keyShare;
        if (early)
        {
            // ClientHello and Commit in one flight, answered by ServerHello and KeyShare in one flight.
            commit = first[1];
            Frames.TypeOf(commit).ShouldBe(FrameType.Commit);
            byte[] serverFlight = Take(server);
            client.Receive(serverFlight);
            List<byte[]> answer = Frames.Split(serverFlight);
            answer.Count.ShouldBe(2);
            (serverHello, keyShare) = (answer[0], answer[1]);
        }
        else
        {
            serverHello = Take(server);
            client.Receive(serverHello);
            commit = Take(client);
            server.Receive(commit);
            keyShare = Take(server);
            client.Receive(keyShare);
        }

        Frames.TypeOf(serverHello).ShouldBe(FrameType.ServerHello);
        Frames.TypeOf(keyShare).ShouldBe(FrameType.KeyShare);
        byte[] reveal = Take(client);
        server.Receive(reveal);
        server.DeriveKeys();
        byte[] serverAuth = Take(server);
        client.DeriveKeys();
        client.Receive(serverAuth);
        byte[] clientAuth = Take(client);
        client.IsSecure.ShouldBeFalse("the client is secure only once a record of the server's after ServerAuth opens");
        server.Receive(clientAuth);
        server.IsSecure.ShouldBeTrue(server.Failure?.Message);
        byte[] serverHeartbeat = Take(server);
        Frames.TypeOf(serverHeartbeat).ShouldBe(FrameType.Heartbeat, "the server's first record after ClientAuth");
        client.Receive(serverHeartbeat);
        client.IsSecure.ShouldBeTrue(client.Failure?.Message);
        server.Fingerprint.ShouldBe(client.Fingerprint);
        return new Handshake(clientHello, serverHello, commit, keyShare, reveal, serverAuth, clientAuth, client.Fingerprint!, client.Sas!, early) { ServerHeartbeat = serverHeartbeat };
    }

    /// <summary>Z = Y_s^x_c mod p, TH = SHA-256 of the five cleartext frames, master = PBKDF2(Z, TH, c), and the sub-keys.</summary>
    internal static Derived Recompute(Handshake hs, DhGroup group, byte[] clientExponent, byte[]? generator, int iterations)
    {
        byte[] serverPublic = hs.KeyShare[(WireFormat.FrameHeaderSize + WireFormat.NonceSize)..];
        byte[] clientPublic = hs.Reveal[(WireFormat.FrameHeaderSize + WireFormat.NonceSize)..];
        BigInteger g = generator is null ? DhGroup.G : new BigInteger(generator, isUnsigned: true, isBigEndian: true);
        Power(g, clientExponent, group).ShouldBe(clientPublic, "the revealed value is g^x_c");
        byte[] z = Power(new BigInteger(serverPublic, isUnsigned: true, isBigEndian: true), clientExponent, group);
        byte[] th = SHA256.HashData(hs.TranscriptFrames);
        byte[] master = Rfc2898DeriveBytes.Pbkdf2(z, th, iterations, HashAlgorithmName.SHA256, 32);
        return new Derived(z, th, master, KeySchedule.DeriveSessionKeys(master));
    }

    /// <summary>The ServerAuth and ClientAuth plaintexts, from the identity keys and the derived finished keys.</summary>
    internal static (byte[] Server, byte[] Client) Auth(Derived d, SeededSigner server, string serverName, SeededSigner client, string clientName)
    {
        byte[] serverSignature = server.Sign([.. "SecureChat v2 server signature"u8, .. d.TranscriptHash]);
        byte[] serverSigned = [.. server.PublicKey, .. serverSignature, (byte)serverName.Length, .. Encoding.UTF8.GetBytes(serverName)];
        byte[] serverFinished = HMACSHA256.HashData(d.Keys.ServerFinished.ToArray(), (byte[])[.. d.TranscriptHash, .. serverSigned]);
        byte[] clientSignature = client.Sign([.. "SecureChat v2 client signature"u8, .. d.TranscriptHash, .. serverSigned]);
        byte[] clientSigned = [.. client.PublicKey, .. clientSignature, (byte)clientName.Length, .. Encoding.UTF8.GetBytes(clientName)];
        byte[] clientFinished = HMACSHA256.HashData(d.Keys.ClientFinished.ToArray(), (byte[])[.. d.TranscriptHash, .. serverSigned, .. clientSigned]);
        return ([.. serverSigned, .. serverFinished], [.. clientSigned, .. clientFinished]);
    }

    internal static byte[] Open(SessionKeys keys, bool serverToClient, ulong sequence, byte[] frame)
    {
        byte[] body = frame[WireFormat.FrameHeaderSize..];
        byte[] plaintext = new byte[body.Length];
        using RecordProtector protector = keys.CreateReceiveProtector(isClient: serverToClient);
        protector.TryOpen(sequence, frame[0], body, plaintext, out int length).ShouldBeTrue($"record {sequence} of type 0x{frame[0]:X2}");
        return plaintext[..length];
    }

    internal static void RunRekeyJob(SecureSession side)
    {
        RekeyJob job = side.TakeRekeyJob().ShouldNotBeNull();
        job.Run();
        side.CompleteRekeyJob(job);
    }

    internal static byte[] Power(BigInteger value, byte[] exponent, DhGroup group) =>
        global::SecureChat.Engine.Tests.Support.Hex.Fixed(BigInteger.ModPow(value, new BigInteger(exponent, isUnsigned: true, isBigEndian: true), group.P), group.ElementSize)!;

    internal static byte[] Take(SecureSession session)
    {
        ArrayBufferWriter<byte> output = session.ExchangeOutput(new ArrayBufferWriter<byte>());
        return output.WrittenSpan.ToArray();
    }
}
