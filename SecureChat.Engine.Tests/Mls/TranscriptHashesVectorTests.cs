using System.Text.Json;
using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Codec;
using SecureChat.Engine.Mls.Schedule;
using SecureChat.Engine.Tests.Support;
using static SecureChat.Engine.Tests.Mls.MlsVectorJson;

namespace SecureChat.Engine.Tests.Mls;

/// <summary>The MLS working group's transcript-hashes.json for cipher suite 1 (RFC 9420 sections 6.1, 8.2).</summary>
public sealed class TranscriptHashesVectorTests
{
    private static readonly CipherSuite s_suite = CipherSuite.Suite1;

    [Fact]
    public void Every_suite_1_commit_carries_a_valid_confirmation_tag_and_yields_the_published_transcript_hashes()
    {
        using JsonDocument doc = VectorFiles.RequireJson("mls/transcript-hashes.json", "MLS transcript hashes");
        int ran = 0;
        foreach ((int index, JsonElement entry) in Suite1Cases(doc))
        {
            Check(entry, $"case {index}");
            ran++;
        }

        ran.ShouldBeGreaterThan(0, "no cipher suite 1 case in transcript-hashes.json");
        VectorFiles.Report($"transcript-hashes.json: {ran} suite-1 case(s) checked, {doc.RootElement.GetArrayLength() - ran} other suites skipped");
    }

    [Fact]
    public void The_confirmed_input_built_from_its_parts_equals_the_commits_encoding_without_its_tag()
    {
        byte[] content = [0x01, 0x02, 0x03];
        byte[] signature = Enumerable.Repeat((byte)7, 64).ToArray();
        byte[] expected = MlsWriter.Encode(w =>
        {
            w.U16(1);
            w.Raw(content);
            w.Opaque(signature);
        });
        TranscriptHashes.ConfirmedInput(1, content, signature).ShouldBe(expected);
    }

    private static void Check(JsonElement entry, string where)
    {
        byte[] authenticatedContent = Bytes(entry, "authenticated_content");
        byte[] confirmationKey = Bytes(entry, "confirmation_key");

        // AuthenticatedContent of a commit = wire_format || FramedContent || signature<V> || confirmation_tag<V>;
        // suite 1's tag is an HMAC-SHA256 (32 bytes, a one-byte length prefix) and its signature Ed25519 (64 bytes).
        int tagSize = s_suite.HashLength;
        authenticatedContent[^(tagSize + 1)].ShouldBe((byte)tagSize, where + ": confirmation tag length");
        authenticatedContent[^(tagSize + 1 + 66)..^(tagSize + 1 + 64)].ShouldBe(new byte[] { 0x40, 0x40 }, where + ": signature length");
        MlsReader reader = new(authenticatedContent);
        ushort wireFormat = reader.U16();
        wireFormat.ShouldBeInRange((ushort)1, (ushort)2, where + ": a commit is framed as a PublicMessage or a PrivateMessage");
        byte[] confirmedInput = authenticatedContent[..^(tagSize + 1)];
        byte[] tag = authenticatedContent[^tagSize..];

        (byte[] confirmed, byte[] interim) = TranscriptHashes.Next(s_suite, Bytes(entry, "interim_transcript_hash_before"), confirmedInput, tag);
        Hex.Of(confirmed).ShouldBe(Text(entry, "confirmed_transcript_hash_after"), where);
        Hex.Of(interim).ShouldBe(Text(entry, "interim_transcript_hash_after"), where);

        TranscriptHashes.VerifyConfirmationTag(s_suite, confirmationKey, confirmed, tag).ShouldBeTrue(where + ": confirmation tag");
        tag[0] ^= 1;
        TranscriptHashes.VerifyConfirmationTag(s_suite, confirmationKey, confirmed, tag).ShouldBeFalse(where + ": altered tag");
        tag[0] ^= 1;
        confirmed[31] ^= 1;
        TranscriptHashes.VerifyConfirmationTag(s_suite, confirmationKey, confirmed, tag).ShouldBeFalse(where + ": another transcript");
    }
}
