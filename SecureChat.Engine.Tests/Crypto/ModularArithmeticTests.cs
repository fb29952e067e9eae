using System.Numerics;
using System.Security.Cryptography;
using SecureChat.Engine.Crypto;

namespace SecureChat.Engine.Tests.Crypto;

/// <summary>
/// The exponentiation and Legendre symbol behind Diffie-Hellman agree with BigInteger's on random inputs for
/// every group, and on Linux they come from libcrypto (constant time), not the managed fallback.
/// </summary>
public sealed class ModularArithmeticTests
{
    public static TheoryData<DhGroupId> Groups => new() { DhGroupId.Ffdhe2048, DhGroupId.Ffdhe3072, DhGroupId.Ffdhe4096 };

    [Fact]
    public void On_linux_the_modular_arithmetic_is_bound_to_openssl_libcrypto_not_the_managed_fallback()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "libcrypto is only bound on Linux");
        ModularArithmetic.Backend.ShouldStartWith("OpenSSL libcrypto");
    }

    [Theory]
    [MemberData(nameof(Groups))]
    public void Exponentiation_matches_biginteger_on_random_inputs(DhGroupId id)
    {
        DhGroup group = DhGroup.Get(id);
        for (int i = 0; i < 10; i++)
        {
            byte[] baseValue = RandomNumberGenerator.GetBytes(group.ElementSize - 1);
            byte[] exponent = RandomNumberGenerator.GetBytes(group.ExponentBits / 8);
            byte[] actual = new byte[group.ElementSize];

            ModularArithmetic.ModPow(baseValue, exponent, group, actual);

            BigInteger expected = BigInteger.ModPow(
                new BigInteger(baseValue, isUnsigned: true, isBigEndian: true),
                new BigInteger(exponent, isUnsigned: true, isBigEndian: true),
                group.P);
            new BigInteger(actual, isUnsigned: true, isBigEndian: true).ShouldBe(expected);
        }
    }

    [Theory]
    [MemberData(nameof(Groups))]
    public void The_legendre_symbol_matches_the_managed_jacobi_algorithm(DhGroupId id)
    {
        DhGroup group = DhGroup.Get(id);
        int residues = 0;
        for (int i = 0; i < 40; i++)
        {
            byte[] value = RandomNumberGenerator.GetBytes(group.ElementSize - 1);
            bool expected = DiffieHellman.IsQuadraticResidue(new BigInteger(value, isUnsigned: true, isBigEndian: true), group.P);
            ModularArithmetic.IsQuadraticResidue(value, group).ShouldBe(expected);
            residues += expected ? 1 : 0;
        }

        residues.ShouldBeInRange(5, 35, "about half of random values are residues");
        ModularArithmetic.IsQuadraticResidue([4], group).ShouldBeTrue();
        ModularArithmetic.IsQuadraticResidue(group.PMinusOneBytes, group).ShouldBeFalse("-1 is a non-residue when p = 3 mod 4");
    }
}
