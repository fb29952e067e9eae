using System.Numerics;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Crypto;

public sealed class DiffieHellmanTests
{
    public static TheoryData<DhGroupId> Groups => [DhGroupId.Ffdhe2048, DhGroupId.Ffdhe3072, DhGroupId.Ffdhe4096];

    [Theory]
    [MemberData(nameof(Groups))]
    public void Both_sides_compute_the_same_shared_secret_at_the_group_s_fixed_length(DhGroupId id)
    {
        DhGroup group = DhGroup.Get(id);
        using DhKeyPair a = DiffieHellman.GenerateKeyPair(group, SystemRandom.Instance);
        using DhKeyPair b = DiffieHellman.GenerateKeyPair(group, SystemRandom.Instance);
        a.PublicValue.Length.ShouldBe(group.ElementSize);
        DiffieHellman.IsValidPublicValue(group, a.PublicValue).ShouldBeTrue();
        DiffieHellman.IsValidPublicValue(group, b.PublicValue).ShouldBeTrue();

        byte[] za = new byte[group.ElementSize];
        byte[] zb = new byte[group.ElementSize];
        DiffieHellman.TryAgree(a, b.PublicValue, za).ShouldBeTrue();
        DiffieHellman.TryAgree(b, a.PublicValue, zb).ShouldBeTrue();
        za.ShouldBe(zb);
        za.ShouldNotBe(new byte[group.ElementSize]);
    }

    [Theory]
    [MemberData(nameof(Groups))]
    public void A_private_exponent_has_the_group_s_short_exponent_length_and_the_public_value_is_two_to_it(DhGroupId id)
    {
        DhGroup group = DhGroup.Get(id);
        var random = new FixedRandom(0xA5);
        using DhKeyPair pair = DiffieHellman.GenerateKeyPair(group, random);
        var x = new BigInteger(pair.PrivateExponent, isUnsigned: true, isBigEndian: true);
        x.GetBitLength().ShouldBe(group.ExponentBits);
        Hex.Fixed(BigInteger.ModPow(2, x, group.P), group.ElementSize).ShouldBe(pair.PublicValue);
    }

    [Theory]
    [MemberData(nameof(Groups))]
    public void Agreement_refuses_zero_one_p_minus_one_p_and_values_of_the_wrong_length(DhGroupId id)
    {
        DhGroup group = DhGroup.Get(id);
        using DhKeyPair own = DiffieHellman.GenerateKeyPair(group, SystemRandom.Instance);
        byte[] z = new byte[group.ElementSize];
        foreach (BigInteger bad in new[] { BigInteger.Zero, BigInteger.One, group.P - 1, group.P })
        {
            DiffieHellman.TryAgree(own, Hex.Fixed(bad, group.ElementSize), z).ShouldBeFalse($"Y = {bad}");
        }

        byte[] valid = own.PublicValue;
        DiffieHellman.TryAgree(own, valid.AsSpan(1), z).ShouldBeFalse("one byte short");
        DiffieHellman.TryAgree(own, [0, .. valid], z).ShouldBeFalse("one leading zero too many");
        DiffieHellman.TryAgree(own, [], z).ShouldBeFalse("empty");
    }

    [Fact]
    public void The_rfc7919_groups_grow_in_size_and_each_is_found_by_its_wire_code()
    {
        DhGroup.All.Select(g => g.ElementSize).ShouldBe([256, 384, 512]);
        DhGroup.All.Select(g => g.ExponentBits).ShouldBe([256, 320, 384]);
        foreach (DhGroup g in DhGroup.All)
        {
            DhGroup.TryGet(g.Id, out DhGroup found).ShouldBeTrue();
            found.ShouldBeSameAs(g);
        }

        DhGroup.TryGet((DhGroupId)0x0103, out _).ShouldBeFalse();
    }
}
