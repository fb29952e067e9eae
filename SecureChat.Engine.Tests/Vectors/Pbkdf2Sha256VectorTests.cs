using System.Security.Cryptography;
using System.Text.Json;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Vectors;

/// <summary>
/// PBKDF2-HMAC-SHA256 through <see cref="Rfc2898DeriveBytes.Pbkdf2(byte[], byte[], int, HashAlgorithmName, int)"/>, the call
/// <see cref="KeySchedule.DeriveMaster"/> makes: Wycheproof pbkdf2_hmacsha256_test.json and
/// pbkdf2_hmac_sha256_rfc7914_and_common.json (RFC 7914 section 11 and the RFC 6070-style SHA-256 set).
/// Cases above <see cref="IterationsRunMax"/> iterations (the 16,777,216-round one, about 10 s) are skipped and
/// counted so the suite stays fast; every other case (none has more than 100,000 rounds) runs.
/// </summary>
public sealed class Pbkdf2Sha256VectorTests
{
    private const int IterationsRunMax = 1_000_000;

    [Fact]
    public void Every_wycheproof_pbkdf2_hmac_sha256_vector_derives_its_published_key()
    {
        const string file = "pbkdf2_hmacsha256_test.json";
        using JsonDocument doc = VectorFiles.RequireJson(file, "Wycheproof PBKDF2-HMAC-SHA256 vectors");
        var failures = new List<string>();
        int run = 0, skipped = 0;
        foreach (JsonElement group in doc.RootElement.GetProperty("testGroups").EnumerateArray())
        {
            foreach (JsonElement test in group.GetProperty("tests").EnumerateArray())
            {
                int iterations = test.GetProperty("iterationCount").GetInt32();
                if (iterations > IterationsRunMax)
                {
                    skipped++;
                    continue;
                }

                run++;
                test.GetProperty("result").GetString().ShouldBe("valid");
                byte[] dk = Rfc2898DeriveBytes.Pbkdf2(
                    Hex.Bytes(test.GetProperty("password").GetString()!),
                    Hex.Bytes(test.GetProperty("salt").GetString()!),
                    iterations,
                    HashAlgorithmName.SHA256,
                    test.GetProperty("dkLen").GetInt32());
                if (Hex.Of(dk) != test.GetProperty("dk").GetString()!.ToLowerInvariant())
                {
                    failures.Add($"tcId {test.GetProperty("tcId").GetInt32()}: derived key differs");
                }
            }
        }

        VectorFiles.Report($"{file}: {run} cases checked, {skipped} skipped for more than {IterationsRunMax} iterations");
        failures.ShouldBeEmpty();
        run.ShouldBeGreaterThan(0);
    }

    [Fact]
    public void Every_rfc7914_and_common_pbkdf2_hmac_sha256_vector_of_at_most_a_million_iterations_derives_its_published_key()
    {
        const string file = "pbkdf2_hmac_sha256_rfc7914_and_common.json";
        using JsonDocument doc = VectorFiles.RequireJson(file, "RFC 7914 / common PBKDF2-HMAC-SHA256 vectors");
        var failures = new List<string>();
        int run = 0;
        var skipped = new List<string>();
        foreach (string section in new[] { "published", "self_generated_regression" })
        {
            foreach (JsonElement test in doc.RootElement.GetProperty(section).EnumerateArray())
            {
                int iterations = test.GetProperty("iterations").GetInt32();
                string source = test.GetProperty("source").GetString()!;
                if (iterations > IterationsRunMax)
                {
                    skipped.Add($"{source} c={iterations}");
                    continue;
                }

                run++;
                byte[] dk = Rfc2898DeriveBytes.Pbkdf2(
                    Hex.Bytes(test.GetProperty("password_hex").GetString()!),
                    Hex.Bytes(test.GetProperty("salt_hex").GetString()!),
                    iterations,
                    HashAlgorithmName.SHA256,
                    test.GetProperty("dkLen").GetInt32());
                if (Hex.Of(dk) != test.GetProperty("dk_hex").GetString()!.ToLowerInvariant())
                {
                    failures.Add($"{section}: {source} c={iterations}: derived key differs");
                }
            }
        }

        VectorFiles.Report($"{file}: {run} cases checked; skipped for cost: {string.Join("; ", skipped)}");
        failures.ShouldBeEmpty();
        run.ShouldBeGreaterThan(0);
    }
}
