using System.Security.Cryptography;
using System.Text.Json;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Vectors;

/// <summary>Wycheproof hkdf_sha256_test.json (C2SP/wycheproof testvectors_v1) through <see cref="HKDF.DeriveKey(HashAlgorithmName, byte[], int, byte[], byte[])"/>.</summary>
public sealed class WycheproofHkdfSha256Tests
{
    private const string File = "hkdf_sha256_test.json";

    [Fact]
    public void Every_wycheproof_hkdf_sha256_vector_derives_its_published_output_and_every_oversized_request_is_refused()
    {
        using JsonDocument doc = VectorFiles.RequireJson(File, "Wycheproof HKDF-SHA256 vectors");
        var failures = new List<string>();
        int valid = 0, invalid = 0;
        foreach (JsonElement group in doc.RootElement.GetProperty("testGroups").EnumerateArray())
        {
            foreach (JsonElement test in group.GetProperty("tests").EnumerateArray())
            {
                int id = test.GetProperty("tcId").GetInt32();
                byte[] ikm = Hex.Bytes(test.GetProperty("ikm").GetString()!);
                byte[] salt = Hex.Bytes(test.GetProperty("salt").GetString()!);
                byte[] info = Hex.Bytes(test.GetProperty("info").GetString()!);
                int size = test.GetProperty("size").GetInt32();
                if (test.GetProperty("result").GetString() == "valid")
                {
                    valid++;
                    byte[] okm = Hex.Bytes(test.GetProperty("okm").GetString()!);
                    if (!HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, size, salt, info).AsSpan().SequenceEqual(okm))
                    {
                        failures.Add($"tcId {id}: output differs");
                    }
                }
                else
                {
                    // The only invalid cases ask for more than 255 * HashLen bytes (RFC 5869 section 2.3).
                    invalid++;
                    try
                    {
                        HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, size, salt, info);
                        failures.Add($"tcId {id}: an output of {size} bytes was produced ({test.GetProperty("comment").GetString()})");
                    }
                    catch (ArgumentException)
                    {
                    }
                }
            }
        }

        VectorFiles.Report($"{File}: {valid} valid and {invalid} invalid cases checked");
        failures.ShouldBeEmpty();
        valid.ShouldBeGreaterThan(0);
        invalid.ShouldBeGreaterThan(0);
    }
}
