using System.Security.Cryptography;
using System.Text;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Crypto;

/// <summary>
/// A few published vectors written out here, so a clone without ../shared/vectors still checks the primitives the
/// key schedule and records use: RFC 4231 section 4.2-4.3 (HMAC-SHA256 cases 1 and 2), RFC 5869 appendix A.1
/// (HKDF-SHA256 case 1), RFC 7914 section 11 (PBKDF2-HMAC-SHA256, c = 1).
/// </summary>
public sealed class InlineRfcVectorTests
{
    [Fact]
    public void Rfc4231_test_case_1_hmac_sha256_matches()
    {
        byte[] key = Enumerable.Repeat((byte)0x0b, 20).ToArray();
        Hex.Of(HMACSHA256.HashData(key, "Hi There"u8))
            .ShouldBe("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    }

    [Fact]
    public void Rfc4231_test_case_2_hmac_sha256_with_a_short_key_matches()
    {
        Hex.Of(HMACSHA256.HashData("Jefe"u8, "what do ya want for nothing?"u8))
            .ShouldBe("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    [Fact]
    public void Rfc5869_test_case_1_hkdf_sha256_extract_and_expand_match()
    {
        byte[] ikm = Enumerable.Repeat((byte)0x0b, 22).ToArray();
        byte[] salt = Hex.Bytes("000102030405060708090a0b0c");
        byte[] info = Hex.Bytes("f0f1f2f3f4f5f6f7f8f9");
        byte[] prk = HKDF.Extract(HashAlgorithmName.SHA256, ikm, salt);
        Hex.Of(prk).ShouldBe("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");

        // KeySchedule uses Expand alone over a uniformly random master; check that call too.
        Hex.Of(HKDF.Expand(HashAlgorithmName.SHA256, prk, 42, info))
            .ShouldBe("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
    }

    [Fact]
    public void Rfc7914_pbkdf2_hmac_sha256_with_one_iteration_matches()
    {
        Hex.Of(Rfc2898DeriveBytes.Pbkdf2(Encoding.ASCII.GetBytes("passwd"), Encoding.ASCII.GetBytes("salt"), 1, HashAlgorithmName.SHA256, 64))
            .ShouldBe("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
    }
}
