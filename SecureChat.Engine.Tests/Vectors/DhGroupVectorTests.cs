using System.Numerics;
using System.Text.Json;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Vectors;

/// <summary>
/// dh_groups_rfc7919_rfc3526.json (built from RFC 7919 Appendix A and RFC 3526 section 3; ACVP KAS-FFC-SSC sample
/// from usnistgov/ACVP-Server): our primes, our public-value validation, and our agreement.
/// </summary>
/// <remarks>
/// "acceptable" cases are the quadratic non-residues (p-2, p-4, a small non-residue): they pass the RFC 7919
/// range check 1 &lt; Y &lt; p-1 and fail only the optional subgroup check Y^q = 1. Either verdict is allowed;
/// the test requires the engine to treat them all alike (a mix would mean a broken check) and reports which
/// verdict it saw. With the subgroup (Legendre symbol) check in <see cref="DiffieHellman.IsValidPublicValue"/>
/// they are rejected. The file's MODP-2048 group (RFC 3526) is not one SecureChat offers and is skipped.
/// </remarks>
public sealed class DhGroupVectorTests
{
    private const string File = "dh_groups_rfc7919_rfc3526.json";

    public static TheoryData<DhGroupId> Groups => [DhGroupId.Ffdhe2048, DhGroupId.Ffdhe3072, DhGroupId.Ffdhe4096];

    [Theory]
    [MemberData(nameof(Groups))]
    public void Our_group_prime_equals_the_rfc7919_prime_in_the_vector_file(DhGroupId id)
    {
        DhGroup group = DhGroup.Get(id);
        using JsonDocument doc = VectorFiles.RequireJson(File, $"RFC 7919 prime for {group.Name}");
        JsonElement entry = doc.RootElement.GetProperty("groups").GetProperty(group.Name);
        Hex.Number(entry.GetProperty("p_hex").GetString()!).ShouldBe(group.P);
        int.Parse(Text(entry.GetProperty("bits")), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(group.ElementSize * 8);
        Text(entry.GetProperty("g")).ShouldBe("2");
        DhGroup.G.ShouldBe(new BigInteger(2));
    }

    [Theory]
    [MemberData(nameof(Groups))]
    public void Every_public_key_validation_case_is_rejected_when_invalid_and_accepted_when_valid_and_acceptable_ones_are_treated_alike(DhGroupId id)
    {
        DhGroup group = DhGroup.Get(id);
        using JsonDocument doc = VectorFiles.RequireJson(File, $"public-key validation cases for {group.Name}");
        var failures = new List<string>();
        var counts = new Dictionary<string, int>();
        var acceptableVerdicts = new HashSet<bool>();
        foreach (JsonElement test in doc.RootElement.GetProperty("groups").GetProperty(group.Name).GetProperty("public_key_validation_tests").EnumerateArray())
        {
            string result = test.GetProperty("result").GetString()!;
            counts[result] = counts.GetValueOrDefault(result) + 1;
            byte[]? encoded = Hex.Fixed(Hex.Number(test.GetProperty("y_hex").GetString()!), group.ElementSize);

            // A value that does not fit the fixed encoding cannot be sent at all: invalid by construction.
            bool accepted = encoded is not null && DiffieHellman.IsValidPublicValue(group, encoded);
            if (result == "acceptable")
            {
                acceptableVerdicts.Add(accepted);
                continue;
            }

            bool expected = result == "valid";
            if (accepted != expected)
            {
                failures.Add($"tcId {Text(test.GetProperty("tcId"))} ({test.GetProperty("comment").GetString()}): {result} but {(accepted ? "accepted" : "rejected")}");
            }
        }

        VectorFiles.Report($"{File} {group.Name}: {string.Join(", ", counts.Select(c => $"{c.Value} {c.Key}"))} (acceptable ones {(acceptableVerdicts.Count == 1 ? (acceptableVerdicts.Single() ? "accepted" : "rejected") : "treated inconsistently")})");
        acceptableVerdicts.Count.ShouldBeLessThanOrEqualTo(1, "the acceptable (non-residue) cases must all get the same verdict");
        failures.ShouldBeEmpty();
        counts.GetValueOrDefault("invalid").ShouldBeGreaterThan(0);
        counts.GetValueOrDefault("valid").ShouldBeGreaterThan(0);
    }

    [Fact]
    public void Every_acvp_kas_ffc_ssc_ffdhe2048_case_gives_the_expected_shared_secret_verdict_through_our_agreement()
    {
        using JsonDocument doc = VectorFiles.RequireJson(File, "ACVP KAS-FFC-SSC ffdhe2048 cases");
        DhGroup group = DhGroup.Ffdhe2048;
        var failures = new List<string>();
        int passed = 0, failed = 0;
        foreach (JsonElement test in doc.RootElement.GetProperty("acvp_kas_ffc_ssc_ffdhe2048_sample").GetProperty("tests").EnumerateArray())
        {
            string id = Text(test.GetProperty("tcId"))!;
            byte[] x = Hex.Bytes(test.GetProperty("ephemeralPrivateIut").GetString()!);
            byte[] ourPublic = Hex.Fixed(Hex.Number(test.GetProperty("ephemeralPublicIut").GetString()!), group.ElementSize)!;
            byte[] peerPublic = Hex.Fixed(Hex.Number(test.GetProperty("ephemeralPublicServer").GetString()!), group.ElementSize)!;
            byte[] expectedZ = Hex.Fixed(Hex.Number(test.GetProperty("z").GetString()!), group.ElementSize)!;
            bool expectPass = Text(test.GetProperty("expected_testPassed")).Equals("true", StringComparison.OrdinalIgnoreCase);
            _ = expectPass ? passed++ : failed++;

            // The IUT's public value must be 2^x mod p, or the case is not testing what it says.
            Hex.Fixed(BigInteger.ModPow(DhGroup.G, new BigInteger(x, isUnsigned: true, isBigEndian: true), group.P), group.ElementSize)!
                .ShouldBe(ourPublic, $"tcId {id}: public value");
            using var own = new DhKeyPair(group, (byte[])x.Clone(), ourPublic);
            byte[] z = new byte[group.ElementSize];
            DiffieHellman.TryAgree(own, peerPublic, z).ShouldBeTrue($"tcId {id}: agreement refused");
            if (z.AsSpan().SequenceEqual(expectedZ) != expectPass)
            {
                failures.Add($"tcId {id}: expected testPassed={expectPass}");
            }
        }

        VectorFiles.Report($"{File} ACVP KAS-FFC-SSC ffdhe2048: {passed} passing and {failed} failing cases checked");
        failures.ShouldBeEmpty();
        passed.ShouldBeGreaterThan(0);
        failed.ShouldBeGreaterThan(0);
    }

    /// <summary>The file mixes JSON strings and numbers/booleans for the same kind of field.</summary>
    private static string Text(JsonElement e) => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText();
}
