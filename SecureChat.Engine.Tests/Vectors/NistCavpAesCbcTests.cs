using System.Security.Cryptography;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Vectors;

/// <summary>
/// NIST CAVP AESAVS (CAVS 11.1) AES-256-CBC response files: the known-answer tests (GFSbox, KeySbox, VarKey,
/// VarTxt), the multi-block message tests (MMT) and the Monte Carlo tests (MCT), encrypt and decrypt, through
/// <see cref="SymmetricAlgorithm.EncryptCbc(ReadOnlySpan{byte}, ReadOnlySpan{byte}, PaddingMode)"/> / DecryptCbc
/// without padding (CAVP messages are whole blocks). Also the BoringSSL rendering of the same KATs.
/// </summary>
public sealed class NistCavpAesCbcTests
{
    [Theory]
    [InlineData("CBCGFSbox256.rsp")]
    [InlineData("CBCKeySbox256.rsp")]
    [InlineData("CBCVarKey256.rsp")]
    [InlineData("CBCVarTxt256.rsp")]
    [InlineData("CBCMMT256.rsp")]
    public void Every_nist_cavp_aes_256_cbc_known_answer_and_multi_block_vector_holds_in_both_directions(string file)
    {
        var failures = new List<string>();
        int encrypt = 0, decrypt = 0;
        foreach ((string section, Dictionary<string, string> r) in ReadRsp(VectorFiles.Require(file, $"NIST CAVP {file}")))
        {
            using var aes = Aes.Create();
            aes.Key = Hex.Bytes(r["KEY"]);
            byte[] iv = Hex.Bytes(r["IV"]);
            byte[] pt = Hex.Bytes(r["PLAINTEXT"]);
            byte[] ct = Hex.Bytes(r["CIPHERTEXT"]);
            _ = section == "ENCRYPT" ? encrypt++ : decrypt++;

            // Every record is checked both ways, whichever section it was published in.
            if (!aes.EncryptCbc(pt, iv, PaddingMode.None).AsSpan().SequenceEqual(ct))
            {
                failures.Add($"{section} COUNT {r["COUNT"]}: encryption");
            }

            if (!aes.DecryptCbc(ct, iv, PaddingMode.None).AsSpan().SequenceEqual(pt))
            {
                failures.Add($"{section} COUNT {r["COUNT"]}: decryption");
            }
        }

        VectorFiles.Report($"{file}: {encrypt} ENCRYPT and {decrypt} DECRYPT records each checked in both directions");
        failures.ShouldBeEmpty();
        encrypt.ShouldBeGreaterThan(0);
        decrypt.ShouldBeGreaterThan(0);
    }

    /// <summary>
    /// AESAVS section 6.4.2 Monte Carlo test for CBC: each record gives KEY, IV and the first input; 1,000 chained
    /// block operations later the last output must equal the record's answer. Each record is checked from its own
    /// starting values, so the outer key update is not needed.
    /// </summary>
    [Fact]
    public void Every_nist_cavp_aes_256_cbc_monte_carlo_record_reaches_its_published_output_after_1000_chained_blocks()
    {
        const string file = "CBCMCT256.rsp";
        var failures = new List<string>();
        int encrypt = 0, decrypt = 0;
        foreach ((string section, Dictionary<string, string> r) in ReadRsp(VectorFiles.Require(file, "NIST CAVP CBC Monte Carlo test")))
        {
            using var aes = Aes.Create();
            aes.Key = Hex.Bytes(r["KEY"]);
            byte[] iv = Hex.Bytes(r["IV"]);
            bool enc = section == "ENCRYPT";
            byte[] input = Hex.Bytes(enc ? r["PLAINTEXT"] : r["CIPHERTEXT"]);
            byte[] expected = Hex.Bytes(enc ? r["CIPHERTEXT"] : r["PLAINTEXT"]);
            byte[] chain = iv;
            byte[] previousOutput = [];
            byte[] output = [];
            for (int j = 0; j < 1000; j++)
            {
                output = enc ? aes.EncryptCbc(input, chain, PaddingMode.None) : aes.DecryptCbc(input, chain, PaddingMode.None);
                byte[] nextInput = j == 0 ? iv : previousOutput;
                chain = enc ? output : input;
                previousOutput = output;
                input = nextInput;
            }

            _ = enc ? encrypt++ : decrypt++;
            if (!output.AsSpan().SequenceEqual(expected))
            {
                failures.Add($"{section} COUNT {r["COUNT"]}");
            }
        }

        VectorFiles.Report($"{file}: {encrypt} encrypt and {decrypt} decrypt Monte Carlo records checked");
        failures.ShouldBeEmpty();
        encrypt.ShouldBeGreaterThan(0);
        decrypt.ShouldBeGreaterThan(0);
    }

    [Fact]
    public void Every_boringssl_rendering_of_the_nist_cavp_aes_256_cbc_known_answers_holds()
    {
        const string file = "boringssl_nist_cavp_aes_256_cbc.txt";
        string path = VectorFiles.Require(file, "BoringSSL NIST CAVP AES-256-CBC vectors");
        var failures = new List<string>();
        int count = 0;
        var record = new Dictionary<string, string>();
        foreach (string raw in File.ReadLines(path).Append(string.Empty))
        {
            string line = raw.Trim();
            if (line.Length == 0)
            {
                if (record.ContainsKey("Ciphertext"))
                {
                    count++;
                    record["Cipher"].ShouldBe("AES-256-CBC");
                    using var aes = Aes.Create();
                    aes.Key = Hex.Bytes(record["Key"]);
                    byte[] iv = Hex.Bytes(record["IV"]);
                    byte[] pt = Hex.Bytes(record["Plaintext"]);
                    byte[] ct = Hex.Bytes(record["Ciphertext"]);
                    bool ok = record["Operation"] == "ENCRYPT"
                        ? aes.EncryptCbc(pt, iv, PaddingMode.None).AsSpan().SequenceEqual(ct)
                        : aes.DecryptCbc(ct, iv, PaddingMode.None).AsSpan().SequenceEqual(pt);
                    if (!ok)
                    {
                        failures.Add($"record {count} ({record["Operation"]})");
                    }
                }

                record.Clear();
                continue;
            }

            if (line.StartsWith('#'))
            {
                continue;
            }

            int colon = line.IndexOf(':');
            record[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        VectorFiles.Report($"{file}: {count} records checked");
        failures.ShouldBeEmpty();
        count.ShouldBeGreaterThan(0);
    }

    /// <summary>Reads a CAVP .rsp file: "[ENCRYPT]"/"[DECRYPT]" sections of "NAME = value" records separated by blank lines.</summary>
    private static IEnumerable<(string Section, Dictionary<string, string> Record)> ReadRsp(string path)
    {
        string section = string.Empty;
        var record = new Dictionary<string, string>();
        foreach (string raw in File.ReadLines(path).Append(string.Empty))
        {
            string line = raw.Trim();
            if (line.StartsWith('#'))
            {
                continue;
            }

            if (line.StartsWith('['))
            {
                section = line.Trim('[', ']');
                continue;
            }

            if (line.Length == 0)
            {
                if (record.ContainsKey("KEY"))
                {
                    yield return (section, record);
                }

                record = [];
                continue;
            }

            int equals = line.IndexOf('=');
            record[line[..equals].Trim()] = line[(equals + 1)..].Trim();
        }
    }
}
