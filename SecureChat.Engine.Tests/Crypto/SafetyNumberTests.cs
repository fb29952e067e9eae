using System.Security.Cryptography;
using System.Text;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Crypto;

public sealed class SafetyNumberTests
{
    private static readonly byte[] s_alice = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];
    private static readonly byte[] s_bob = [.. Enumerable.Range(32, 32).Select(i => (byte)i)];

    [Fact]
    public void Each_half_is_sha512_iterated_5200_times_over_the_versioned_labelled_digest_cut_into_six_numbers_below_100000()
    {
        // Written from the definition alone, one round at a time, so the engine's buffer reuse is checked against it.
        byte[] h = [0, 0, .. s_alice, .. Encoding.ASCII.GetBytes("SecureChat safety number")];
        for (int i = 0; i < 5_200; i++)
        {
            h = SHA512.HashData([.. h, .. s_alice]);
        }

        string expected = string.Concat(Enumerable.Range(0, 6).Select(c =>
            (h.Skip(c * 5).Take(5).Aggregate(0UL, (v, b) => (v << 8) | b) % 100_000).ToString("D5")));

        SafetyNumber.Half(s_alice).ShouldBe(expected);
        SafetyNumber.Half(s_alice).Length.ShouldBe(30);
    }

    [Fact]
    public void Both_people_see_the_same_60_digits_in_12_groups_with_the_lower_digest_first()
    {
        string number = SafetyNumber.Of(s_alice, s_bob);

        SafetyNumber.Of(s_bob, s_alice).ShouldBe(number);
        number.Split(' ').Length.ShouldBe(12);
        number.Split(' ').ShouldAllBe(g => g.Length == 5 && g.All(char.IsAsciiDigit));
        number.Replace(" ", string.Empty, StringComparison.Ordinal).ShouldBe(SafetyNumber.Half(s_alice) + SafetyNumber.Half(s_bob));
        TestContext.Current.TestOutputHelper?.WriteLine($"safety number of 00..1f and 20..3f: {number}");
    }

    [Fact]
    public void One_flipped_bit_in_either_identity_changes_the_number()
    {
        string number = SafetyNumber.Of(s_alice, s_bob);
        int changedGroups = 0;
        for (int bit = 0; bit < 256; bit += 37)
        {
            byte[] alice = [.. s_alice];
            alice[bit / 8] ^= (byte)(1 << (bit % 8));
            byte[] bob = [.. s_bob];
            bob[bit / 8] ^= (byte)(1 << (bit % 8));

            string a = SafetyNumber.Of(alice, s_bob);
            string b = SafetyNumber.Of(s_alice, bob);
            a.ShouldNotBe(number);
            b.ShouldNotBe(number);
            changedGroups += a.Split(' ').Zip(number.Split(' ')).Count(p => p.First != p.Second);
        }

        // A flipped bit changes a whole half, not one digit: about 6 of the 6 groups of that half each time.
        TestContext.Current.TestOutputHelper?.WriteLine($"groups changed by 7 single-bit flips of one identity: {changedGroups} of 42 in its half");
        changedGroups.ShouldBeGreaterThan(35);
    }

    [Fact]
    public void The_same_identity_on_both_sides_gives_its_half_twice_and_wrong_sizes_are_a_caller_bug()
    {
        SafetyNumber.Of(s_alice, s_alice).Replace(" ", string.Empty, StringComparison.Ordinal).ShouldBe(SafetyNumber.Half(s_alice) + SafetyNumber.Half(s_alice));
        Should.Throw<ArgumentException>(() => SafetyNumber.Of(s_alice.AsSpan(1), s_bob));
        Should.Throw<ArgumentException>(() => SafetyNumber.Half(new byte[33]));
    }

    [Fact]
    public void The_worked_value_in_security_md_and_protocol_md_is_what_the_code_computes()
    {
        string number = SafetyNumber.Of(s_alice, s_bob);
        foreach (string document in new[] { "SECURITY.md", "PROTOCOL.md" })
        {
            string text = File.ReadAllText(Path.Combine(VectorFiles.RepositoryRoot, document));
            text.ShouldContain($"`{number}`", customMessage: $"{document}'s worked safety number should read `{number}`");
        }
    }
}
