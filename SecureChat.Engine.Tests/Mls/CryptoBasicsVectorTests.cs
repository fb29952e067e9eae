using System.Text.Json;
using SecureChat.Engine.Mls;
using SecureChat.Engine.Tests.Support;
using static SecureChat.Engine.Tests.Mls.MlsVectorJson;

namespace SecureChat.Engine.Tests.Mls;

/// <summary>The MLS working group's crypto-basics.json for cipher suite 1 (RFC 9420 sections 5.1, 5.2, 8, 9).</summary>
public sealed class CryptoBasicsVectorTests
{
    private static readonly CipherSuite s_suite = CipherSuite.Suite1;

    [Fact]
    public void RefHash_matches_every_suite_1_vector() => ForEachSuite1Case("ref_hash", (v, index) =>
        Hex.Of(s_suite.RefHash(v.GetProperty("label").GetString()!, Bytes(v, "value"))).ShouldBe(Text(v, "out"), $"case {index}"));

    [Fact]
    public void ExpandWithLabel_matches_every_suite_1_vector() => ForEachSuite1Case("expand_with_label", (v, index) =>
        Hex.Of(s_suite.ExpandWithLabel(Bytes(v, "secret"), v.GetProperty("label").GetString()!, Bytes(v, "context"), v.GetProperty("length").GetInt32()))
            .ShouldBe(Text(v, "out"), $"case {index}"));

    [Fact]
    public void DeriveSecret_matches_every_suite_1_vector() => ForEachSuite1Case("derive_secret", (v, index) =>
        Hex.Of(s_suite.DeriveSecret(Bytes(v, "secret"), v.GetProperty("label").GetString()!)).ShouldBe(Text(v, "out"), $"case {index}"));

    [Fact]
    public void DeriveTreeSecret_matches_every_suite_1_vector() => ForEachSuite1Case("derive_tree_secret", (v, index) =>
        Hex.Of(s_suite.DeriveTreeSecret(Bytes(v, "secret"), v.GetProperty("label").GetString()!, v.GetProperty("generation").GetUInt32(), v.GetProperty("length").GetInt32()))
            .ShouldBe(Text(v, "out"), $"case {index}"));

    [Fact]
    public void SignWithLabel_verifies_the_published_signature_and_its_own_and_refuses_an_altered_one() => ForEachSuite1Case("sign_with_label", (v, index) =>
    {
        string label = v.GetProperty("label").GetString()!;
        byte[] priv = Bytes(v, "priv");
        byte[] pub = Bytes(v, "pub");
        byte[] content = Bytes(v, "content");
        byte[] signature = Bytes(v, "signature");

        s_suite.SignaturePublicKeyOf(priv).ShouldBe(pub, $"case {index}: public key of the seed");
        s_suite.VerifyWithLabel(pub, label, content, signature).ShouldBeTrue($"case {index}: published signature");
        s_suite.VerifyWithLabel(pub, label, content, s_suite.SignWithLabel(priv, label, content)).ShouldBeTrue($"case {index}: own signature");

        signature[5] ^= 0x01;
        s_suite.VerifyWithLabel(pub, label, content, signature).ShouldBeFalse($"case {index}: altered signature");
        signature[5] ^= 0x01;
        s_suite.VerifyWithLabel(pub, label + "x", content, signature).ShouldBeFalse($"case {index}: another label");
        s_suite.VerifyWithLabel(pub[..31], label, content, signature).ShouldBeFalse($"case {index}: short key");
        s_suite.VerifyWithLabel(pub, label, content, signature[..63]).ShouldBeFalse($"case {index}: short signature");
    });

    [Fact]
    public void EncryptWithLabel_opens_the_published_ciphertext_and_its_own_and_refuses_an_altered_one() => ForEachSuite1Case("encrypt_with_label", (v, index) =>
    {
        string label = v.GetProperty("label").GetString()!;
        byte[] priv = Bytes(v, "priv");
        byte[] pub = Bytes(v, "pub");
        byte[] context = Bytes(v, "context");
        byte[] plaintext = Bytes(v, "plaintext");
        byte[] kemOutput = Bytes(v, "kem_output");
        byte[] ciphertext = Bytes(v, "ciphertext");

        s_suite.PublicKeyOf(priv).ShouldBe(pub, $"case {index}: public key");
        s_suite.TryDecryptWithLabel(priv, label, context, kemOutput, ciphertext, out byte[] opened).ShouldBeTrue($"case {index}: published ciphertext");
        opened.ShouldBe(plaintext, $"case {index}");

        (byte[] kem, byte[] sealedBytes) = s_suite.EncryptWithLabel(pub, label, context, plaintext);
        s_suite.TryDecryptWithLabel(priv, label, context, kem, sealedBytes, out opened).ShouldBeTrue($"case {index}: own ciphertext");
        opened.ShouldBe(plaintext, $"case {index}");

        s_suite.TryDecryptWithLabel(priv, label, [.. context, 0], kemOutput, ciphertext, out _).ShouldBeFalse($"case {index}: another context");
        ciphertext[^1] ^= 0x80;
        s_suite.TryDecryptWithLabel(priv, label, context, kemOutput, ciphertext, out _).ShouldBeFalse($"case {index}: altered ciphertext");
    });

    private static void ForEachSuite1Case(string field, Action<JsonElement, int> check)
    {
        using JsonDocument doc = VectorFiles.RequireJson("mls/crypto-basics.json", "MLS crypto basics");
        int index = 0;
        int ran = 0;
        foreach (JsonElement entry in doc.RootElement.EnumerateArray())
        {
            if (entry.GetProperty("cipher_suite").GetInt32() == 1)
            {
                check(entry.GetProperty(field), index);
                ran++;
            }

            index++;
        }

        ran.ShouldBeGreaterThan(0, "no cipher suite 1 case in crypto-basics.json");
        VectorFiles.Report($"crypto-basics.json {field}: {ran} suite-1 case(s) checked, {index - ran} other suites skipped");
    }
}
