using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Vectors;

/// <summary>
/// Wycheproof aes_cbc_pkcs5_test.json (C2SP/wycheproof testvectors_v1) through <see cref="RecordProtector"/> itself.
/// Each case becomes a record laid out as PROTOCOL.md section 4 says: IV || ciphertext || tag, where the tag is
/// HMAC-SHA256 over dir || seq (u64 big-endian) || type || IV || ciphertext, computed here with a MAC key chosen
/// here, and the encryption key is the vector's key. The tag is always right, so every case passes authentication
/// and the invalid ones reach RecordProtector's own PKCS#7 check with the bad padding Wycheproof built (zero,
/// 0xFF, ISO 7816-4, ANSI X.923, ISO 10126, longer than a block, longer than the message, none at all).
/// RecordProtector takes only AES-256 keys, so the file's 128- and 192-bit cases are not run; a separate test
/// counts them and checks that RecordProtector refuses their keys.
/// </summary>
public sealed class WycheproofAesCbcTests
{
    private const string File = "aes_cbc_pkcs5_test.json";
    private const byte Direction = SessionKeys.DirectionServerToClient;
    private const byte RecordType = (byte)FrameType.GroupMessage;
    private const ulong Sequence = 0x0102030405060708;
    private static readonly byte[] s_macKey = SHA256.HashData("Wycheproof AES-CBC record MAC key"u8);

    [Fact]
    public void Every_valid_256_bit_wycheproof_aes_cbc_pkcs5_case_seals_to_its_published_ciphertext_and_opens_to_its_message_in_a_record()
    {
        var failures = new List<string>();
        int valid = 0;
        foreach (Case c in Cases("Wycheproof AES-256-CBC-PKCS5 valid cases").Where(c => c.KeyBits == 256 && c.Valid))
        {
            valid++;
            byte[] expected = AuthenticRecord(c.Iv, c.Ct);

            using (var sender = new RecordProtector(c.Key, s_macKey, Direction))
            {
                var random = new FixedRandom();
                random.Enqueue(c.Iv);
                byte[] sealedBody = new byte[RecordProtector.SealedSize(c.Msg.Length)];
                sender.Seal(Sequence, RecordType, c.Msg, sealedBody, random);
                if (!sealedBody.AsSpan().SequenceEqual(expected))
                {
                    failures.Add($"tcId {c.Id}: Seal with the vector's IV did not give IV || published ciphertext || tag");
                }
            }

            // Opened twice on one protector: first as the first record (its CBC chain still zero), then again as a
            // later record, so the re-basing of a record onto its own IV is checked with a non-zero chain as well.
            using var receiver = new RecordProtector(c.Key, s_macKey, Direction);
            for (ulong sequence = Sequence; sequence <= Sequence + 1; sequence++)
            {
                byte[] body = AuthenticRecord(c.Iv, c.Ct, sequence);
                byte[] opened = new byte[c.Ct.Length];
                if (!receiver.TryOpen(sequence, RecordType, body, opened, out int length))
                {
                    failures.Add($"tcId {c.Id} (sequence {sequence}): refused");
                }
                else if (!opened.AsSpan(0, length).SequenceEqual(c.Msg))
                {
                    failures.Add($"tcId {c.Id} (sequence {sequence}): opened to other bytes than the message");
                }
            }
        }

        VectorFiles.Report($"{File}: {valid} valid 256-bit cases sealed and opened through RecordProtector");
        failures.ShouldBeEmpty();
        valid.ShouldBeGreaterThan(0);
    }

    /// <summary>
    /// Each invalid case is checked against a control: the same key, IV and ciphertext blocks followed by one more
    /// block that decrypts to a full block of valid padding (0x10 × 16). The control must open, to the vector's
    /// message followed by its bad padding, which shows that the record is authentic and decrypts as Wycheproof
    /// says, so the refusal of the case itself comes from the padding check and nothing else.
    /// </summary>
    [Fact]
    public void Every_invalid_256_bit_wycheproof_aes_cbc_pkcs5_case_in_an_authentic_record_is_refused_without_throwing()
    {
        var failures = new List<string>();
        int invalid = 0, reachedPadding = 0, refusedForLength = 0;
        var lastBytes = new SortedDictionary<byte, int>();
        foreach (Case c in Cases("Wycheproof AES-256-CBC-PKCS5 invalid cases").Where(c => c.KeyBits == 256 && !c.Valid))
        {
            invalid++;
            string label = $"tcId {c.Id} ({c.Comment})";
            if (TryOpenCatching(c.Key, AuthenticRecord(c.Iv, c.Ct), out _, out string? thrown))
            {
                failures.Add($"{label}: opened");
                continue;
            }

            if (thrown is not null)
            {
                failures.Add($"{label}: threw {thrown}");
                continue;
            }

            if (c.Ct.Length == 0)
            {
                // IV || tag only: shorter than the smallest sealed body, refused before the tag is looked at.
                refusedForLength++;
                continue;
            }

            reachedPadding++;
            using var aes = Aes.Create();
            aes.Key = c.Key;
            byte[] paddingBlock = aes.EncryptCbc(Enumerable.Repeat((byte)RecordProtector.BlockSize, RecordProtector.BlockSize).ToArray(), c.Ct.AsSpan(^RecordProtector.BlockSize), PaddingMode.None);
            if (!TryOpenCatching(c.Key, AuthenticRecord(c.Iv, [.. c.Ct, .. paddingBlock]), out byte[] raw, out thrown))
            {
                failures.Add($"{label}: the control with a valid padding block appended was refused{(thrown is null ? string.Empty : ", threw " + thrown)}");
                continue;
            }

            if (raw.Length != c.Ct.Length || !raw.AsSpan().StartsWith(c.Msg))
            {
                failures.Add($"{label}: the control did not open to the message followed by its bad padding");
                continue;
            }

            lastBytes[raw[^1]] = lastBytes.GetValueOrDefault(raw[^1]) + 1;
        }

        VectorFiles.Report(
            $"{File}: {invalid} invalid 256-bit cases refused by RecordProtector.TryOpen; {reachedPadding} of them authentic and refused by its " +
            $"padding check (last decrypted byte: {string.Join(", ", lastBytes.Select(b => $"0x{b.Key:X2} ×{b.Value}"))}), {refusedForLength} refused for length");
        failures.ShouldBeEmpty();
        reachedPadding.ShouldBeGreaterThan(0);
        lastBytes.Keys.ShouldContain(b => b > RecordProtector.BlockSize, "some cases must end in a byte too large to be a padding length");
        lastBytes.Keys.ShouldContain(b => b >= 1 && b <= RecordProtector.BlockSize, "some cases must end in a plausible length over bytes that do not match it");
    }

    [Fact]
    public void The_128_and_192_bit_wycheproof_aes_cbc_cases_are_not_run_because_the_record_protector_refuses_their_keys()
    {
        var counts = new SortedDictionary<int, int>();
        foreach (Case c in Cases("Wycheproof AES-CBC-PKCS5 key sizes").Where(c => c.KeyBits != 256))
        {
            c.Key.Length.ShouldBe(c.KeyBits / 8, $"tcId {c.Id}");
            Should.Throw<ArgumentException>(() => new RecordProtector(c.Key, s_macKey, Direction), $"tcId {c.Id}");
            counts[c.KeyBits] = counts.GetValueOrDefault(c.KeyBits) + 1;
        }

        VectorFiles.Report($"{File}: not run, as RecordProtector is AES-256 only: {string.Join(", ", counts.Select(k => $"{k.Value} cases with {k.Key}-bit keys"))}");
        counts.ShouldNotBeEmpty();
    }

    /// <summary>IV || ciphertext || HMAC-SHA256(MAC key, dir || seq || type || IV || ciphertext), as PROTOCOL.md section 4 lays a record out.</summary>
    private static byte[] AuthenticRecord(byte[] iv, byte[] ciphertext, ulong sequence = Sequence)
    {
        byte[] header = new byte[RecordProtector.MacHeaderSize];
        header[0] = Direction;
        BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(1), sequence);
        header[9] = RecordType;
        byte[] tag = HMACSHA256.HashData(s_macKey, (byte[])[.. header, .. iv, .. ciphertext]);
        return [.. iv, .. ciphertext, .. tag];
    }

    /// <summary>Opens a record as the first one a fresh receiver sees; reports an exception instead of letting it escape.</summary>
    private static bool TryOpenCatching(byte[] key, byte[] body, out byte[] plaintext, out string? thrown)
    {
        using var receiver = new RecordProtector(key, s_macKey, Direction);
        byte[] destination = new byte[body.Length];
        plaintext = [];
        thrown = null;
        try
        {
            if (!receiver.TryOpen(Sequence, RecordType, body, destination, out int length))
            {
                return false;
            }

            plaintext = destination[..length];
            return true;
        }
        catch (Exception e)
        {
            thrown = e.GetType().Name + ": " + e.Message;
            return false;
        }
    }

    private static List<Case> Cases(string what)
    {
        using JsonDocument doc = VectorFiles.RequireJson(File, what);
        var cases = new List<Case>();
        foreach (JsonElement group in doc.RootElement.GetProperty("testGroups").EnumerateArray())
        {
            int keyBits = group.GetProperty("keySize").GetInt32();
            foreach (JsonElement test in group.GetProperty("tests").EnumerateArray())
            {
                string result = test.GetProperty("result").GetString()!;
                result.ShouldBeOneOf("valid", "invalid");
                cases.Add(new Case(
                    test.GetProperty("tcId").GetInt32(),
                    keyBits,
                    result == "valid",
                    Hex.Bytes(test.GetProperty("key").GetString()!),
                    Hex.Bytes(test.GetProperty("iv").GetString()!),
                    Hex.Bytes(test.GetProperty("msg").GetString()!),
                    Hex.Bytes(test.GetProperty("ct").GetString()!),
                    test.GetProperty("comment").GetString()!));
            }
        }

        return cases;
    }

    private sealed record Case(int Id, int KeyBits, bool Valid, byte[] Key, byte[] Iv, byte[] Msg, byte[] Ct, string Comment);
}
