using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Crypto;

/// <summary>
/// The passphrase as a PAKE (Crypto/Cpace.cs, after draft-irtf-cfrg-cpace on a multiplicative group): the generator,
/// its bounds, what it depends on, and that a man in the middle holding a whole handshake cannot test guesses offline.
/// </summary>
public sealed class CpaceTests
{
    private static readonly byte[] s_clientNonce = [.. Enumerable.Repeat((byte)0xC1, WireFormat.NonceSize)];
    private static readonly byte[] s_serverNonce = [.. Enumerable.Repeat((byte)0x5E, WireFormat.NonceSize)];

    public static TheoryData<DhGroupId> Groups => [DhGroupId.Ffdhe2048, DhGroupId.Ffdhe3072, DhGroupId.Ffdhe4096];

    private static byte[] Generator(string passphrase, DhGroup group, byte[]? clientNonce = null, byte[]? serverNonce = null)
    {
        byte[] g = new byte[group.ElementSize];
        Cpace.TryDeriveGenerator(Encoding.UTF8.GetBytes(passphrase), group, clientNonce ?? s_clientNonce, serverNonce ?? s_serverNonce, g).ShouldBeTrue();
        return g;
    }

    [Theory]
    [MemberData(nameof(Groups))]
    public void The_generator_is_the_square_of_the_documented_hkdf_output_and_lies_in_the_prime_order_subgroup(DhGroupId id)
    {
        DhGroup group = DhGroup.Get(id);
        byte[] g = Generator("tulip-1987", group);

        // Recomputed from the documented formula with the primitives, as another implementation would.
        byte[] prk = HKDF.Extract(HashAlgorithmName.SHA256, "tulip-1987"u8.ToArray(), "SecureChat v2 CPace"u8.ToArray());
        byte[] info = [.. "SecureChat v2 CPace generator"u8, (byte)((ushort)id >> 8), (byte)id, .. s_clientNonce, .. s_serverNonce];
        byte[] h = HKDF.Expand(HashAlgorithmName.SHA256, prk, group.ElementSize + Cpace.ExtraBytes, info);
        BigInteger expected = BigInteger.ModPow(new BigInteger(h, isUnsigned: true, isBigEndian: true), 2, group.P);
        var value = new BigInteger(g, isUnsigned: true, isBigEndian: true);
        value.ShouldBe(expected);

        BigInteger q = (group.P - 1) / 2;
        BigInteger.ModPow(value, q, group.P).ShouldBe(BigInteger.One, "a square is in the subgroup of order q");
        value.ShouldBeGreaterThan(BigInteger.One);
        value.ShouldNotBe(group.P - 1);
        value.ShouldBeLessThan(group.P);
    }

    [Fact]
    public void Zero_one_and_p_minus_one_are_refused_as_generators_and_four_is_not()
    {
        DhGroup group = DhGroup.Ffdhe2048;
        byte[] zero = new byte[group.ElementSize];
        byte[] one = [.. zero[1..], 1];
        byte[] four = [.. zero[1..], 4];
        DiffieHellman.IsValidGenerator(group, zero).ShouldBeFalse("0");
        DiffieHellman.IsValidGenerator(group, one).ShouldBeFalse("1");
        DiffieHellman.IsValidGenerator(group, group.PMinusOneBytes).ShouldBeFalse("p-1");
        DiffieHellman.IsValidGenerator(group, four).ShouldBeTrue("4 = 2^2");
    }

    [Fact]
    public void The_generator_depends_on_the_passphrase_the_group_and_both_nonces()
    {
        DhGroup group = DhGroup.Ffdhe2048;
        byte[] g = Generator("tulip-1987", group);
        Generator("tulip-1987", group).ShouldBe(g, "deterministic");
        Generator("tulip-1988", group).ShouldNotBe(g, "passphrase");
        Generator("tulip-1987", group, clientNonce: [.. s_clientNonce[..^1], 0]).ShouldNotBe(g, "client nonce");
        Generator("tulip-1987", group, serverNonce: [.. s_serverNonce[..^1], 0]).ShouldNotBe(g, "server nonce");
        Generator("tulip-1987", group, clientNonce: s_serverNonce, serverNonce: s_clientNonce).ShouldNotBe(g, "nonce order");

        // Another group: compare the values, since the encodings differ in length anyway.
        var in2048 = new BigInteger(g, isUnsigned: true, isBigEndian: true);
        var in3072 = new BigInteger(Generator("tulip-1987", DhGroup.Ffdhe3072), isUnsigned: true, isBigEndian: true);
        in3072.ShouldNotBe(in2048, "group");
    }

    [Fact]
    public void A_generator_buffer_of_the_wrong_size_is_a_caller_bug()
    {
        Should.Throw<ArgumentException>(() => Cpace.TryDeriveGenerator("x"u8, DhGroup.Ffdhe2048, s_clientNonce, s_serverNonce, new byte[255]));
    }

    [Fact]
    public void A_key_pair_on_the_generator_is_g_to_the_x_and_two_such_pairs_agree()
    {
        DhGroup group = DhGroup.Ffdhe2048;
        byte[] g = Generator("tulip-1987", group);
        using DhKeyPair a = DiffieHellman.GenerateKeyPair(group, g, SystemRandom.Instance);
        using DhKeyPair b = DiffieHellman.GenerateKeyPair(group, g, SystemRandom.Instance);
        var gValue = new BigInteger(g, isUnsigned: true, isBigEndian: true);
        new BigInteger(a.PublicValue, isUnsigned: true, isBigEndian: true)
            .ShouldBe(BigInteger.ModPow(gValue, new BigInteger(a.PrivateExponent, isUnsigned: true, isBigEndian: true), group.P));

        byte[] zA = new byte[group.ElementSize];
        byte[] zB = new byte[group.ElementSize];
        DiffieHellman.TryAgree(a, b.PublicValue, zA).ShouldBeTrue("a CPace public value is in the subgroup and passes validation");
        DiffieHellman.TryAgree(b, a.PublicValue, zB).ShouldBeTrue();
        zA.ShouldBe(zB);
    }

    [Fact]
    public void Both_sides_with_the_same_passphrase_agree_and_with_different_ones_fail_key_confirmation()
    {
        using (SessionPair same = SessionPair.Create(clientPassphrase: "tulip-1987", serverPassphrase: "tulip-1987"))
        {
            same.Start();
            same.Pump();
            same.Client.Stage.ShouldBe(SessionStage.Secure, same.Client.Failure?.Message);
            same.Client.Fingerprint.ShouldBe(same.Server.Fingerprint);
        }

        using SessionPair different = SessionPair.Create(clientPassphrase: "tulip-1987", serverPassphrase: "tulip-1988");
        different.Start();
        different.Pump();
        different.Client.Failure!.Reason.ShouldBe(FailureReason.KeyConfirmationFailed);
        different.Server.Failure!.Reason.ShouldBe(FailureReason.KeyConfirmationFailed);
    }

    [Fact]
    public void The_v1_offline_dictionary_attack_on_a_recorded_handshake_no_longer_identifies_the_passphrase()
    {
        // v1: one connection gave the transcript and the server's Finished, keyed by PBKDF2(Z || passphrase); a
        // dictionary then found the passphrase offline. v2: the attacker connects with a guess, records everything up
        // to the server's sealed ServerAuth, and knows his own exponent. For every candidate - the right one included -
        // each key he can compute (v2's PBKDF2(Z), v1's PBKDF2(Z || candidate)) fails to open the ServerAuth: his Z
        // was made on his guess's generator, and no candidate turns it into the server's without a discrete log.
        string[] dictionary = ["123456", "password", "letmein", "tulip-1986", "tulip-1987", "tulip-1988", "dragon"];
        (bool opened, int tried) = OfflineAttack(liveGuess: "password", serverPassphrase: "tulip-1987", dictionary);
        opened.ShouldBeFalse("no candidate, not even the right one, opens the recorded ServerAuth");
        tried.ShouldBe(2 * dictionary.Length);

        // Control: the same computation does open it when the live guess was right (one guess per live handshake).
        OfflineAttack(liveGuess: "tulip-1987", serverPassphrase: "tulip-1987", ["tulip-1987"]).Opened.ShouldBeTrue();
    }

    /// <summary>
    /// Runs a handshake as a client using <paramref name="liveGuess"/> with a known exponent, keeps the server's
    /// ServerAuth, then tries every candidate's keys on it offline. True when any candidate's keys open it.
    /// </summary>
    private static (bool Opened, int Tried) OfflineAttack(string liveGuess, string serverPassphrase, string[] dictionary)
    {
        const byte fill = 0x42;
        DhGroup group = DhGroup.Ffdhe2048;
        using var pair = new SessionPair(
            SessionPair.Settings(SessionRole.Client, passphrase: liveGuess) with { Random = new FixedRandom(fill) },
            SessionPair.Settings(SessionRole.Server, passphrase: serverPassphrase));
        pair.Client.Start();
        pair.Server.Start();
        byte[] clientHello = pair.Take(pair.Client);
        pair.Deliver(pair.Server, clientHello);
        byte[] serverHello = pair.Take(pair.Server);
        pair.Deliver(pair.Client, serverHello);
        byte[] commit = pair.Take(pair.Client);
        pair.Deliver(pair.Server, commit);
        byte[] keyShare = pair.Take(pair.Server);
        pair.Deliver(pair.Client, keyShare);
        byte[] reveal = pair.Take(pair.Client);
        Frames.TypeOf(reveal).ShouldBe(FrameType.Reveal);
        pair.Deliver(pair.Server, reveal);
        byte[] serverAuth = pair.Take(pair.Server);
        Frames.TypeOf(serverAuth).ShouldBe(FrameType.ServerAuth);

        // The attacker's own exponent (his random source filled it with 0x42) and the server's public value.
        var x = new BigInteger(Enumerable.Repeat(fill, group.ExponentBits / 8).ToArray(), isUnsigned: true, isBigEndian: true);
        var yServer = new BigInteger(Frames.BodyOf(keyShare).AsSpan(WireFormat.NonceSize), isUnsigned: true, isBigEndian: true);
        byte[] z = Hex.Fixed(BigInteger.ModPow(yServer, x, group.P), group.ElementSize)!;
        byte[] th = SHA256.HashData([.. clientHello, .. serverHello, .. commit, .. keyShare, .. reveal]);
        byte[] body = Frames.BodyOf(serverAuth);
        byte[] plaintext = new byte[body.Length];

        bool opened = false;
        int tried = 0;
        foreach (string candidate in dictionary)
        {
            byte[] v1Input = [.. z, .. Encoding.UTF8.GetBytes(candidate)];
            byte[][] masters =
            [
                KeySchedule.DeriveMaster(z, th, SessionPair.FastIterations),
                Rfc2898DeriveBytes.Pbkdf2(v1Input, th, SessionPair.FastIterations, HashAlgorithmName.SHA256, 32),
            ];
            foreach (byte[] master in masters)
            {
                using SessionKeys keys = KeySchedule.DeriveSessionKeys(master);
                using RecordProtector serverToClient = keys.CreateReceiveProtector(isClient: true);
                opened |= serverToClient.TryOpen(0, (byte)FrameType.ServerAuth, body, plaintext, out _);
                tried++;
            }
        }

        return (opened, tried);
    }
}
