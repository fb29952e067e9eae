using System.Security.Cryptography;
using System.Text.Json;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Vectors;

/// <summary>Wycheproof hmac_sha256_test.json (C2SP/wycheproof testvectors_v1) through <see cref="HMACSHA256.HashData(byte[], byte[])"/>; tags truncated to each group's tagSize.</summary>
public sealed class WycheproofHmacSha256Tests
{
    private const string File = "hmac_sha256_test.json";

    [Fact]
    public void Every_wycheproof_hmac_sha256_vector_matches_its_published_tag_and_every_invalid_tag_differs()
    {
        using JsonDocument doc = VectorFiles.RequireJson(File, "Wycheproof HMAC-SHA256 vectors");
        var failures = new List<string>();
        int valid = 0, invalid = 0;
        foreach (JsonElement group in doc.RootElement.GetProperty("testGroups").EnumerateArray())
        {
            int tagBytes = group.GetProperty("tagSize").GetInt32() / 8;
            foreach (JsonElement test in group.GetProperty("tests").EnumerateArray())
            {
                int id = test.GetProperty("tcId").GetInt32();
                byte[] key = Hex.Bytes(test.GetProperty("key").GetString()!);
                byte[] msg = Hex.Bytes(test.GetProperty("msg").GetString()!);
                byte[] tag = Hex.Bytes(test.GetProperty("tag").GetString()!);
                byte[] computed = HMACSHA256.HashData(key, msg);
                bool equal = tag.Length == tagBytes && CryptographicOperations.FixedTimeEquals(computed.AsSpan(0, tagBytes), tag);
                bool expectValid = test.GetProperty("result").GetString() == "valid";
                if (expectValid)
                {
                    valid++;
                }
                else
                {
                    invalid++;
                }

                if (equal != expectValid)
                {
                    failures.Add($"tcId {id}: expected {(expectValid ? "a match" : "a mismatch")} ({test.GetProperty("comment").GetString()})");
                }
            }
        }

        VectorFiles.Report($"{File}: {valid} valid and {invalid} invalid cases checked");
        failures.ShouldBeEmpty();
        valid.ShouldBeGreaterThan(0);
        invalid.ShouldBeGreaterThan(0);
    }
}
