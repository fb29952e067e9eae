using System.Security.Cryptography;
using System.Text.Json;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Vectors;

/// <summary>
/// Wycheproof aes_cbc_pkcs5_test.json (C2SP/wycheproof testvectors_v1), 256-bit key groups only, through the same
/// calls <c>RecordProtector</c> makes: <see cref="SymmetricAlgorithm.EncryptCbc(ReadOnlySpan{byte}, ReadOnlySpan{byte}, PaddingMode)"/>
/// and DecryptCbc with PKCS#7.
/// </summary>
public sealed class WycheproofAesCbcTests
{
    private const string File = "aes_cbc_pkcs5_test.json";

    [Fact]
    public void Every_256_bit_wycheproof_aes_cbc_pkcs7_vector_encrypts_and_decrypts_as_published_and_every_invalid_one_fails_to_decrypt()
    {
        using JsonDocument doc = VectorFiles.RequireJson(File, "Wycheproof AES-256-CBC-PKCS7 vectors");
        var failures = new List<string>();
        int valid = 0, invalid = 0, otherKeySizes = 0;
        foreach (JsonElement group in doc.RootElement.GetProperty("testGroups").EnumerateArray())
        {
            int keySize = group.GetProperty("keySize").GetInt32();
            foreach (JsonElement test in group.GetProperty("tests").EnumerateArray())
            {
                if (keySize != 256)
                {
                    otherKeySizes++;
                    continue;
                }

                int id = test.GetProperty("tcId").GetInt32();
                byte[] key = Hex.Bytes(test.GetProperty("key").GetString()!);
                byte[] iv = Hex.Bytes(test.GetProperty("iv").GetString()!);
                byte[] msg = Hex.Bytes(test.GetProperty("msg").GetString()!);
                byte[] ct = Hex.Bytes(test.GetProperty("ct").GetString()!);
                using var aes = Aes.Create();
                aes.Key = key;
                if (test.GetProperty("result").GetString() == "valid")
                {
                    valid++;
                    if (!aes.EncryptCbc(msg, iv, PaddingMode.PKCS7).AsSpan().SequenceEqual(ct))
                    {
                        failures.Add($"tcId {id}: ciphertext differs");
                    }

                    if (!aes.DecryptCbc(ct, iv, PaddingMode.PKCS7).AsSpan().SequenceEqual(msg))
                    {
                        failures.Add($"tcId {id}: plaintext differs");
                    }
                }
                else
                {
                    invalid++;
                    if (DecryptsWithPkcs7(aes, ct, iv))
                    {
                        failures.Add($"tcId {id}: invalid padding was accepted ({test.GetProperty("comment").GetString()})");
                    }
                }
            }
        }

        VectorFiles.Report($"{File}: {valid} valid and {invalid} invalid 256-bit cases checked; {otherKeySizes} cases with 128/192-bit keys not used by SecureChat skipped");
        failures.ShouldBeEmpty();
        valid.ShouldBeGreaterThan(0);
        invalid.ShouldBeGreaterThan(0);
    }

    private static bool DecryptsWithPkcs7(Aes aes, byte[] ct, byte[] iv)
    {
        byte[] destination = new byte[ct.Length + 16];
        try
        {
            return aes.TryDecryptCbc(ct, iv, destination, out _, PaddingMode.PKCS7);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
