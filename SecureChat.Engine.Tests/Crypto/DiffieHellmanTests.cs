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

    [Theory]
    [MemberData(nameof(Groups))]
    public void On_a_secret_generator_h_squared_both_sides_agree_and_each_public_value_is_that_generator_to_its_exponent(DhGroupId id)
    {
        DhGroup group = DhGroup.Get(id);
        byte[] h = new byte[group.ElementSize];
        SystemRandom.Instance.Fill(h);
        BigInteger g = BigInteger.ModPow(new BigInteger(h, isUnsigned: true, isBigEndian: true), 2, group.P);
        byte[] generator = Encode(g, group.ElementSize);
        DiffieHellman.IsValidGenerator(group, generator).ShouldBeTrue("a square other than 0, 1 lies in the subgroup of order q");

        using DhKeyPair a = DiffieHellman.GenerateKeyPair(group, generator, SystemRandom.Instance);
        using DhKeyPair b = DiffieHellman.GenerateKeyPair(group, generator, SystemRandom.Instance);
        DiffieHellman.IsValidPublicValue(group, a.PublicValue).ShouldBeTrue();
        DiffieHellman.IsValidPublicValue(group, b.PublicValue).ShouldBeTrue();
        var xa = new BigInteger(a.PrivateExponent, isUnsigned: true, isBigEndian: true);
        Encode(BigInteger.ModPow(g, xa, group.P), group.ElementSize).ShouldBe(a.PublicValue);

        byte[] za = new byte[group.ElementSize];
        byte[] zb = new byte[group.ElementSize];
        DiffieHellman.TryAgree(a, b.PublicValue, za).ShouldBeTrue();
        DiffieHellman.TryAgree(b, a.PublicValue, zb).ShouldBeTrue();
        za.ShouldBe(zb);
        generator.ShouldBe(Encode(g, group.ElementSize), "the caller's generator is left as it was");
    }

    [Theory]
    [MemberData(nameof(Groups))]
    public void The_same_exponent_on_another_generator_gives_another_public_value(DhGroupId id)
    {
        DhGroup group = DhGroup.Get(id);
        byte[] generator = Encode(new BigInteger(9), group.ElementSize); // 3^2
        using DhKeyPair onNine = DiffieHellman.GenerateKeyPair(group, generator, new FixedRandom(0xA5));
        using DhKeyPair onTwo = DiffieHellman.GenerateKeyPair(group, new FixedRandom(0xA5));
        onNine.PrivateExponent.SequenceEqual(onTwo.PrivateExponent).ShouldBeTrue();
        onNine.PublicValue.ShouldNotBe(onTwo.PublicValue);
    }

    [Theory]
    [MemberData(nameof(Groups))]
    public void A_generator_outside_the_prime_order_subgroup_or_of_the_wrong_length_is_refused(DhGroupId id)
    {
        DhGroup group = DhGroup.Get(id);
        var bad = new Dictionary<string, byte[]>
        {
            ["0"] = Encode(BigInteger.Zero, group.ElementSize),
            ["1"] = Encode(BigInteger.One, group.ElementSize),
            ["p-1 (order 2)"] = Encode(group.P - 1, group.ElementSize),
            ["p-2 (a non-residue: order 2q)"] = Encode(group.P - 2, group.ElementSize),
            ["p"] = Encode(group.P, group.ElementSize),
            ["all ones (above p)"] = Enumerable.Repeat((byte)0xFF, group.ElementSize).ToArray(),
            ["one byte short"] = Encode(new BigInteger(4), group.ElementSize)[1..],
            ["one byte long"] = [0, .. Encode(new BigInteger(4), group.ElementSize)],
        };
        foreach ((string name, byte[] value) in bad)
        {
            DiffieHellman.IsValidGenerator(group, value).ShouldBeFalse(name);
            Should.Throw<ArgumentException>(() => DiffieHellman.GenerateKeyPair(group, value, SystemRandom.Instance), name);
        }

        DiffieHellman.IsValidGenerator(group, Encode(new BigInteger(4), group.ElementSize)).ShouldBeTrue("4 = 2^2");
    }

    [Fact]
    public void An_exponent_below_two_is_redrawn_checked_on_the_bytes()
    {
        DhGroup group = DhGroup.Ffdhe2048;
        var random = new FixedRandom(0x11);
        random.Enqueue(new byte[32]);
        random.Enqueue([.. new byte[31], 1]);
        using DhKeyPair pair = DiffieHellman.GenerateKeyPair(group, random);
        pair.PrivateExponent.ToArray().ShouldBe(Enumerable.Repeat((byte)0x11, 32).ToArray());
    }

    [Fact]
    public void A_disposed_key_pair_has_its_exponent_zeroed_and_refuses_further_use()
    {
        DhGroup group = DhGroup.Ffdhe2048;
        DhKeyPair pair = DiffieHellman.GenerateKeyPair(group, new FixedRandom(0x5A));
        byte[] exponent = (byte[])typeof(DhKeyPair).GetField("_exponent", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(pair)!;
        pair.Dispose();
        exponent.ShouldAllBe(b => b == 0);
        Should.Throw<ObjectDisposedException>(() => pair.PrivateExponent.Length);
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

    private static byte[] Encode(BigInteger value, int size) => Hex.Fixed(value, size) ?? throw new ArgumentOutOfRangeException(nameof(value));
}
