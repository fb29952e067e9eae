using SecureChat.Engine.Crypto;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Crypto;

/// <summary>
/// HPKE base mode against RFC 9180 Appendix A.1.1 (DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, mode 0):
/// the setup values of A.1.1, the encryptions of A.1.1.1 and the exported values of A.1.1.2, typed in from the RFC.
/// </summary>
public sealed class HpkeRfc9180Tests
{
    // RFC 9180 A.1.1, "Base Setup Information".
    private const string Info = "4f6465206f6e2061204772656369616e2055726e";
    private const string IkmE = "7268600d403fce431561aef583ee1613527cff655c1343f29812e66706df3234";
    private const string PkEm = "37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431";
    private const string SkEm = "52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736";
    private const string IkmR = "6db9df30aa07dd42ee5e8181afdb977e538f5e1fec8a06223f33f7013e525037";
    private const string PkRm = "3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d";
    private const string SkRm = "4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8";
    private const string Enc = "37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431";
    private const string SharedSecret = "fe0e18c9f024ce43799ae393c7e8fe8fce9d218875e8227b0187c04e7d2ea1fc";
    private const string KeyScheduleContext = "00725611c9d98c07c03f60095cd32d400d8347d45ed67097bbad50fc56da742d07cb6cffde367bb0565ba28bb02c90744a20f5ef37f30523526106f637abb05449";
    private const string Secret = "12fff91991e93b48de37e7daddb52981084bd8aa64289c3788471d9a9712f397";
    private const string Key = "4531685d41d65f03dc48f6b8302c05b0";
    private const string BaseNonce = "56d890e5accaaf011cff4b7d";
    private const string ExporterSecret = "45ff1c2e220db587171952c0592d5f5ebe103f1561a2614e38f2ffd47e99e3f8";

    // RFC 9180 A.1.1.1, "Encryptions": the same plaintext each time, aad "Count-<seq>".
    private const string Plaintext = "4265617574792069732074727574682c20747275746820626561757479";

    public static TheoryData<ulong, string, string, string> Encryptions => new()
    {
        { 0, "436f756e742d30", "56d890e5accaaf011cff4b7d", "f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a" },
        { 1, "436f756e742d31", "56d890e5accaaf011cff4b7c", "af2d7e9ac9ae7e270f46ba1f975be53c09f8d875bdc8535458c2494e8a6eab251c03d0c22a56b8ca42c2063b84" },
        { 2, "436f756e742d32", "56d890e5accaaf011cff4b7f", "498dfcabd92e8acedc281e85af1cb4e3e31c7dc394a1ca20e173cb72516491588d96a19ad4a683518973dcc180" },
        { 4, "436f756e742d34", "56d890e5accaaf011cff4b79", "583bd32bc67a5994bb8ceaca813d369bca7b2a42408cddef5e22f880b631215a09fc0012bc69fccaa251c0246d" },
        { 255, "436f756e742d323535", "56d890e5accaaf011cff4b82", "7175db9717964058640a3a11fb9007941a5d1757fda1a6935c805c21af32505bf106deefec4a49ac38d71c9e0a" },
        { 256, "436f756e742d323536", "56d890e5accaaf011cff4a7d", "957f9800542b0b8891badb026d79cc54597cb2d225b54c00c5238c25d05c30e3fbeda97d2e0e1aba483a2df9f2" },
    };

    // RFC 9180 A.1.1.2, "Exported Values": length 32 each.
    public static TheoryData<string, string> Exports => new()
    {
        { "", "3853fe2b4035195a573ffc53856e77058e15d9ea064de3e59f4961d0095250ee" },
        { "00", "2e8f0b54673c7029649d4eb9d5e33bf1872cf76d623ff164ac185da9e88c21a5" },
        { "54657374436f6e74657874", "e9e43065102c3836401bed8c3c3c75ae46be1639869391d62c61f1ec7af54931" },
    };

    [Fact]
    public void DeriveKeyPair_reproduces_both_key_pairs_of_the_rfc()
    {
        (byte[] skE, byte[] pkE) = Hpke.DeriveKeyPair(Hex.Bytes(IkmE));
        Hex.Of(skE).ShouldBe(SkEm);
        Hex.Of(pkE).ShouldBe(PkEm);

        (byte[] skR, byte[] pkR) = Hpke.DeriveKeyPair(Hex.Bytes(IkmR));
        Hex.Of(skR).ShouldBe(SkRm);
        Hex.Of(pkR).ShouldBe(PkRm);
    }

    [Fact]
    public void Encap_and_decap_agree_on_the_rfcs_shared_secret()
    {
        Hex.Of(Hpke.Encap(Hex.Bytes(PkRm), Hex.Bytes(SkEm), Hex.Bytes(PkEm))).ShouldBe(SharedSecret);
        Hpke.TryDecap(Hex.Bytes(Enc), Hex.Bytes(SkRm), out byte[] decapsulated).ShouldBeTrue();
        Hex.Of(decapsulated).ShouldBe(SharedSecret);
    }

    [Fact]
    public void The_sender_setup_reproduces_the_rfcs_context_key_nonce_and_exporter_secret()
    {
        Hex.Of(Hpke.KeyScheduleContext(Hex.Bytes(Info))).ShouldBe(KeyScheduleContext);
        (byte[] enc, HpkeContext context) = Hpke.SetupBaseSWithEphemeralIkm(Hex.Bytes(PkRm), Hex.Bytes(Info), Hex.Bytes(IkmE));
        using (context)
        {
            Hex.Of(enc).ShouldBe(Enc);
            Hex.Of(context.Key).ShouldBe(Key);
            Hex.Of(context.BaseNonce).ShouldBe(BaseNonce);
            Hex.Of(context.ExporterSecret).ShouldBe(ExporterSecret);
        }

        // The secret itself is internal to the key schedule; it is the PRK the key was expanded from.
        byte[] key = new byte[16];
        System.Security.Cryptography.HKDF.Expand(
            System.Security.Cryptography.HashAlgorithmName.SHA256,
            Hex.Bytes(Secret),
            key,
            [0, 16, .. "HPKE-v1HPKE"u8, 0x00, 0x20, 0x00, 0x01, 0x00, 0x01, .. "key"u8, .. Hex.Bytes(KeyScheduleContext)]);
        Hex.Of(key).ShouldBe(Key);
    }

    [Theory]
    [MemberData(nameof(Encryptions))]
    public void The_sender_and_recipient_reproduce_the_rfcs_encryption_at_each_sequence_number(ulong sequence, string aad, string nonce, string ciphertext)
    {
        (_, HpkeContext sender) = Hpke.SetupBaseSWithEphemeralIkm(Hex.Bytes(PkRm), Hex.Bytes(Info), Hex.Bytes(IkmE));
        Hpke.TrySetupBaseR(Hex.Bytes(Enc), Hex.Bytes(SkRm), Hex.Bytes(Info), out HpkeContext? recipient).ShouldBeTrue();
        using (sender)
        using (recipient)
        {
            for (ulong i = 0; i < sequence; i++)
            {
                recipient.TryOpen([], sender.Seal([], []), out _).ShouldBeTrue($"message {i}");
            }

            Hex.Of(sender.NextNonce()).ShouldBe(nonce);
            byte[] sealedBytes = sender.Seal(Hex.Bytes(aad), Hex.Bytes(Plaintext));
            Hex.Of(sealedBytes).ShouldBe(ciphertext);
            recipient.TryOpen(Hex.Bytes(aad), Hex.Bytes(ciphertext), out byte[] opened).ShouldBeTrue();
            Hex.Of(opened).ShouldBe(Plaintext);
            recipient.Sequence.ShouldBe(sequence + 1);
        }
    }

    [Theory]
    [MemberData(nameof(Exports))]
    public void The_exported_values_match_the_rfc(string exporterContext, string exported)
    {
        Hpke.TrySetupBaseR(Hex.Bytes(Enc), Hex.Bytes(SkRm), Hex.Bytes(Info), out HpkeContext? recipient).ShouldBeTrue();
        using (recipient)
        {
            Hex.Of(recipient.Export(Hex.Bytes(exporterContext), 32)).ShouldBe(exported);
        }
    }

    [Fact]
    public void An_altered_ciphertext_or_aad_does_not_open_and_does_not_move_the_sequence()
    {
        (byte[] enc, byte[] ciphertext) = Hpke.SealBase(Hex.Bytes(PkRm), Hex.Bytes(Info), "aad"u8, "hello"u8);
        Hpke.TryOpenBase(enc, Hex.Bytes(SkRm), Hex.Bytes(Info), "aad"u8, ciphertext, out byte[] opened).ShouldBeTrue();
        opened.ShouldBe("hello"u8.ToArray());

        ciphertext[0] ^= 1;
        Hpke.TryOpenBase(enc, Hex.Bytes(SkRm), Hex.Bytes(Info), "aad"u8, ciphertext, out _).ShouldBeFalse();
        ciphertext[0] ^= 1;
        Hpke.TryOpenBase(enc, Hex.Bytes(SkRm), Hex.Bytes(Info), "bad"u8, ciphertext, out _).ShouldBeFalse();
        Hpke.TryOpenBase(enc, Hex.Bytes(SkRm), Hex.Bytes(Info), "aad"u8, ciphertext[..15], out _).ShouldBeFalse();
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000", "the all-zero point")]
    [InlineData("0100000000000000000000000000000000000000000000000000000000000000", "the point of order 1")]
    [InlineData("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800", "a point of order 8")]
    [InlineData("37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf44", "a key one byte short")]
    public void A_low_order_or_malformed_encapsulated_key_is_refused(string enc, string what)
    {
        Hpke.TrySetupBaseR(Hex.Bytes(enc), Hex.Bytes(SkRm), Hex.Bytes(Info), out HpkeContext? context).ShouldBeFalse(what);
        context.ShouldBeNull();
    }
}
