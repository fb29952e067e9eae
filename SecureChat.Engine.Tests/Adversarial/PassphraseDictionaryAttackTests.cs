using System.Security.Cryptography;
using System.Text;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// The v1 offline dictionary attack, live against a real <see cref="ChatServer"/> with a passphrase (PROTOCOL.md 3.4,
/// "Why the passphrase cannot be tested offline"; the in-memory version is in CpaceTests). In v1 one connection gave
/// the attacker the transcript and the server's key confirmation, keyed by PBKDF2(Z || passphrase): a dictionary then
/// found the passphrase offline. Here the attacker, on a raw socket from 127.0.0.1, plays the client's side of the
/// v2 passphrase handshake with a guess of his own, built from the engine's primitives as another implementation
/// would (frames, CPace generator, key pair on it, commitment, Reveal), and records everything the server sends up to
/// its sealed ServerAuth. He knows his own exponent, so he can compute Z = Y_s^x and every key that follows from it.
/// With v1's design put back (the generator 2 whatever the passphrase, and the passphrase mixed into the server's
/// PBKDF2), the same dictionary finds "tulip-1987 (v1)" and the first test fails; with the generator alone made 2, every
/// candidate's v2 key opens the ServerAuth and it fails too.
/// </summary>
public sealed class PassphraseDictionaryAttackTests
{
    private const string Passphrase = "tulip-1987";

    private static readonly string[] s_dictionary = ["123456", "password", "letmein", "tulip-1986", Passphrase, "tulip-1988", "dragon"];

    private static readonly TimeSpan s_read = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The attacker's live guess is wrong ("password"). Offline, for every candidate of a dictionary that holds the
    /// right passphrase, he tries every key he can compute without a discrete log: v2's PBKDF2(Z, TH) and v1's
    /// PBKDF2(Z || candidate, TH). None opens the recorded ServerAuth: his Z was made on his guess's generator, and no
    /// candidate turns it into the server's. The server, for its part, refuses his ClientAuth for the right reason:
    /// key confirmation failed.
    /// </summary>
    [Fact]
    public async Task A_recorded_live_handshake_with_a_wrong_guess_lets_no_dictionary_candidate_open_the_servers_ServerAuth()
    {
        await using LiveServer live = LiveServer.Start(new ChatOptions { Passphrase = Encoding.UTF8.GetBytes(Passphrase) });
        await using RawClient raw = await RawClient.ConnectAsync(live.Port);
        using Recorded recorded = await RecordHandshakeAsync(raw, liveGuess: "password");

        OfflineResult offline = TryDictionary(recorded, s_dictionary);

        offline.Tried.ShouldBe(2 * s_dictionary.Length);
        offline.Opened.ShouldBeEmpty("no candidate, not even the right one, opens the recorded ServerAuth");

        // The attacker finishes as best he can: a ClientAuth sealed under his own keys (he cannot read the server's
        // signed part, so his signature covers TH alone). The server refuses it as a failed key confirmation.
        using (SessionKeys keys = recorded.V2Keys())
        using (var identity = new SeededSigner(RandomNumberGenerator.GetBytes(32)))
        {
            await raw.SendAsync(ClientAuthFrame(keys, recorded.TranscriptHash, serverSigned: [], identity));
        }

        (await live.FailureFor(raw.LocalPort)).Reason.ShouldBe(FailureReason.KeyConfirmationFailed);
        (await raw.ReadAlertAsync(s_read)).ShouldNotBeNull("the attacker is told").Code.ShouldBe(AlertCode.KeyConfirmationFailed);
        live.Server.SecurePeerCount.ShouldBe(0);
    }

    /// <summary>
    /// The control: the same attacker code and the same offline check, with the live guess the right passphrase. Now
    /// the v2 key opens the ServerAuth and its finished MAC verifies, and a ClientAuth built from it makes the
    /// attacker a secure peer of the server. So the check above is not malformed: it would see the key if there were
    /// one to see. (It opens under every candidate alike, as the v2 key does not depend on the candidate: what
    /// confirmed the passphrase was the live guess, one per handshake, not the dictionary.)
    /// </summary>
    [Fact]
    public async Task The_same_offline_check_opens_the_ServerAuth_when_the_live_guess_was_the_passphrase()
    {
        await using LiveServer live = LiveServer.Start(new ChatOptions { Passphrase = Encoding.UTF8.GetBytes(Passphrase) });
        await using RawClient raw = await RawClient.ConnectAsync(live.Port);
        using Recorded recorded = await RecordHandshakeAsync(raw, liveGuess: Passphrase);

        OfflineResult offline = TryDictionary(recorded, s_dictionary);

        offline.Opened.ShouldBe([.. s_dictionary.Select(c => $"{c} (v2)")], ignoreOrder: true);

        using SessionKeys keys = recorded.V2Keys();
        byte[] plaintext = OpenServerAuth(keys, recorded.ServerAuth).ShouldNotBeNull();
        AuthMessage.TryParse(plaintext, out AuthMessage server, out int signedLength).ShouldBeTrue();
        byte[] serverSigned = plaintext[..signedLength];
        keys.VerifyFinished(ofClient: false, [.. recorded.TranscriptHash, .. serverSigned], server.Finished).ShouldBeTrue("the server's key confirmation verifies");

        using var identity = new SeededSigner(RandomNumberGenerator.GetBytes(32));
        await raw.SendAsync(ClientAuthFrame(keys, recorded.TranscriptHash, serverSigned, identity));
        await Eventually.True(() => live.Server.SecurePeerCount == 1, "the attacker's hand-built handshake to be accepted", s_read);
        live.HasFailureFor(raw.LocalPort).ShouldBeFalse();
    }

    // ---- The attacker ---------------------------------------------------------------------------------------------

    /// <summary>
    /// Plays the client's side of the v2 passphrase handshake (PROTOCOL.md 3.1-3.5: ClientHello; ServerHello; Commit;
    /// KeyShare; Reveal) with <paramref name="liveGuess"/> as the passphrase, and records every frame up to the
    /// server's sealed ServerAuth, with his own key pair.
    /// </summary>
    private static async Task<Recorded> RecordHandshakeAsync(RawClient raw, string liveGuess)
    {
        DhGroup group = DhGroup.Ffdhe2048;
        byte[] clientNonce = RandomNumberGenerator.GetBytes(WireFormat.NonceSize);
        var hello = new ClientHello([WireFormat.Version], [(ushort)group.Id], WireFormat.FlagPassphrase, clientNonce, null);
        byte[] helloBody = new byte[hello.Size];
        hello.Write(helloBody);
        byte[] clientHello = Frames.Build(FrameType.ClientHello, helloBody);
        await raw.SendAsync(clientHello);

        byte[] serverHello = await ExpectAsync(raw, FrameType.ServerHello);
        ServerHello.TryParse(Frames.BodyOf(serverHello), out ServerHello parsed).ShouldBeTrue();
        parsed.Group.ShouldBe((ushort)group.Id);
        parsed.UsesPassphrase.ShouldBeTrue();

        byte[] generator = new byte[group.ElementSize];
        Cpace.TryDeriveGenerator(Encoding.UTF8.GetBytes(liveGuess), group, clientNonce, parsed.Nonce, generator).ShouldBeTrue();
        DhKeyPair key = DiffieHellman.GenerateKeyPair(group, generator, SystemRandom.Instance);
        try
        {
            byte[] opening = RandomNumberGenerator.GetBytes(WireFormat.NonceSize);
            byte[] commitment = new byte[WireFormat.CommitmentSize];
            KeySchedule.ComputeCommitment(group.Id, key.PublicValue, opening, commitment);
            byte[] commit = Frames.Build(FrameType.Commit, commitment);
            await raw.SendAsync(commit);

            byte[] keyShare = await ExpectAsync(raw, FrameType.KeyShare);
            KeyShareMessage.TrySplit(Frames.BodyOf(keyShare), group.ElementSize, out _, out ReadOnlySpan<byte> serverPublic).ShouldBeTrue();
            byte[] sharedSecret = new byte[group.ElementSize];
            DiffieHellman.TryAgree(key, serverPublic, sharedSecret).ShouldBeTrue("the server's public value is valid");

            byte[] revealBody = new byte[KeyShareMessage.Size(group.ElementSize)];
            KeyShareMessage.Write(revealBody, opening, key.PublicValue);
            byte[] reveal = Frames.Build(FrameType.Reveal, revealBody);
            await raw.SendAsync(reveal);

            byte[] serverAuth = await ExpectAsync(raw, FrameType.ServerAuth);
            byte[] transcriptHash = SHA256.HashData([.. clientHello, .. serverHello, .. commit, .. keyShare, .. reveal]);
            return new Recorded(sharedSecret, transcriptHash, (int)parsed.Iterations, serverAuth, key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Offline: for every candidate, every key the attacker can compute from what he holds (his exponent, so Z; the
    /// transcript; the candidate) is tried on the recorded ServerAuth. Returns which opened it.
    /// </summary>
    private static OfflineResult TryDictionary(Recorded recorded, string[] dictionary)
    {
        var opened = new List<string>();
        int tried = 0;
        using SessionKeys v2 = recorded.V2Keys(); // PBKDF2(Z, TH): the same for every candidate
        foreach (string candidate in dictionary)
        {
            byte[] v1Input = [.. recorded.SharedSecret, .. Encoding.UTF8.GetBytes(candidate)];
            byte[] v1Master = Rfc2898DeriveBytes.Pbkdf2(v1Input, recorded.TranscriptHash, recorded.Iterations, HashAlgorithmName.SHA256, KeySchedule.MasterKeySize);
            using SessionKeys v1 = KeySchedule.DeriveSessionKeys(v1Master);
            foreach ((string kind, SessionKeys keys) in new[] { ("v2", v2), ("v1", v1) })
            {
                tried++;
                if (OpenServerAuth(keys, recorded.ServerAuth) is not null)
                {
                    opened.Add($"{candidate} ({kind})");
                }
            }
        }

        return new OfflineResult(opened, tried);
    }

    /// <summary>The ServerAuth's plaintext when these keys open it (server to client, sequence 0), else null.</summary>
    private static byte[]? OpenServerAuth(SessionKeys keys, byte[] serverAuth)
    {
        byte[] body = Frames.BodyOf(serverAuth);
        byte[] plaintext = new byte[body.Length];
        using RecordProtector serverToClient = keys.CreateReceiveProtector(isClient: true);
        return serverToClient.TryOpen(0, (byte)FrameType.ServerAuth, body, plaintext, out int length) ? plaintext[..length] : null;
    }

    /// <summary>A ClientAuth (PROTOCOL.md 3.7) sealed as the client's record 0 under <paramref name="keys"/>.</summary>
    private static byte[] ClientAuthFrame(SessionKeys keys, byte[] transcriptHash, byte[] serverSigned, SeededSigner identity)
    {
        byte[] signature = identity.Sign([.. "SecureChat v2 client signature"u8, .. transcriptHash, .. serverSigned]);
        byte[] signed = AuthMessage.Signed(identity.PublicKey, signature, "attacker");
        byte[] plaintext = new byte[signed.Length + WireFormat.FinishedSize];
        signed.CopyTo(plaintext, 0);
        keys.ComputeFinished(ofClient: true, [.. transcriptHash, .. serverSigned, .. signed], plaintext.AsSpan(signed.Length));
        byte[] body = new byte[RecordProtector.SealedSize(plaintext.Length)];
        using RecordProtector clientToServer = keys.CreateSendProtector(isClient: true);
        clientToServer.Seal(0, (byte)FrameType.ClientAuth, plaintext, body, SystemRandom.Instance);
        return Frames.Build(FrameType.ClientAuth, body);
    }

    private static async Task<byte[]> ExpectAsync(RawClient raw, FrameType type)
    {
        byte[] frame = (await raw.ReadFrameAsync(s_read)).ShouldNotBeNull($"the server closed before its {type}");
        Frames.TypeOf(frame).ShouldBe(type);
        return frame;
    }

    private sealed record OfflineResult(List<string> Opened, int Tried);

    /// <summary>What the attacker holds after the live handshake: Z (from his own exponent), TH, the count, the sealed ServerAuth.</summary>
    private sealed record Recorded(byte[] SharedSecret, byte[] TranscriptHash, int Iterations, byte[] ServerAuth, DhKeyPair Key) : IDisposable
    {
        public SessionKeys V2Keys() => KeySchedule.DeriveSessionKeys(KeySchedule.DeriveMaster(SharedSecret, TranscriptHash, Iterations));

        public void Dispose() => Key.Dispose();
    }
}
