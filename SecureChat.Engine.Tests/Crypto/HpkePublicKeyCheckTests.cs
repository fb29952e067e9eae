using System.Security.Cryptography;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Crypto;

/// <summary>
/// The X25519 public-key check HPKE gives MLS (RFC 9180 section 7.1.4, RFC 7748 section 6.1): every encoding of a
/// point of small order, on the curve or its twist, with the unused top bit clear or set, is refused as a key to
/// encrypt to, and a seal to it throws; an honest key is accepted and round-trips.
/// </summary>
public sealed class HpkePublicKeyCheckTests
{
    // The x-coordinates of order 1, 2, 4 and 8 and their non-canonical encodings above p (little-endian).
    public static TheoryData<string> SmallOrderKeys => new()
    {
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
        "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "0000000000000000000000000000000000000000000000000000000000000080",
        "0100000000000000000000000000000000000000000000000000000000000080",
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880",
        "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f11d7",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    };

    [Theory]
    [MemberData(nameof(SmallOrderKeys))]
    public void A_key_of_small_order_is_not_usable_and_sealing_to_it_throws(string key)
    {
        Hpke.IsUsablePublicKey(Hex.Bytes(key)).ShouldBeFalse();
        Should.Throw<ArgumentException>(() => Hpke.SealBase(Hex.Bytes(key), [], [], "text"u8));
    }

    [Fact]
    public void A_key_of_the_wrong_length_is_not_usable()
    {
        (_, byte[] publicKey) = Hpke.DeriveKeyPair(RandomNumberGenerator.GetBytes(32));
        Hpke.IsUsablePublicKey(publicKey.AsSpan(0, 31)).ShouldBeFalse();
        Hpke.IsUsablePublicKey([.. publicKey, 0]).ShouldBeFalse();
    }

    [Fact]
    public void Honest_keys_are_usable_and_a_seal_to_each_opens_with_its_private_key()
    {
        for (int i = 0; i < 32; i++)
        {
            (byte[] privateKey, byte[] publicKey) = Hpke.DeriveKeyPair(RandomNumberGenerator.GetBytes(32));
            Hpke.PublicKeyOf(privateKey).ShouldBe(publicKey);
            Hpke.IsUsablePublicKey(publicKey).ShouldBeTrue();
            (byte[] enc, byte[] ciphertext) = Hpke.SealBase(publicKey, "info"u8, "aad"u8, "text"u8);
            Hpke.TryOpenBase(enc, privateKey, "info"u8, "aad"u8, ciphertext, out byte[] plaintext).ShouldBeTrue();
            plaintext.ShouldBe("text"u8.ToArray());
        }
    }
}
