using System.Security.Cryptography;
using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Schedule;

/// <summary>
/// The transcript hashes that chain every commit into the group's history (RFC 9420 section 8.2):
/// <code>
/// ConfirmedTranscriptHashInput = { WireFormat wire_format; FramedContent content; opaque signature&lt;V&gt; }
/// InterimTranscriptHashInput   = { MAC confirmation_tag }   (opaque&lt;V&gt;)
/// confirmed_transcript_hash_[n] = Hash(interim_transcript_hash_[n-1] || ConfirmedTranscriptHashInput_[n])
/// interim_transcript_hash_[n]   = Hash(confirmed_transcript_hash_[n] || InterimTranscriptHashInput_[n])
/// confirmation_tag = MAC(confirmation_key, confirmed_transcript_hash)   (section 6.1)
/// </code>
/// The commit's AuthenticatedContent encodes exactly wire_format, content and signature followed by the confirmation
/// tag, so its encoding without the tag is the confirmed input. At group creation the interim hash before the first
/// commit is empty (section 8.2, epoch 0). Stateless and thread-safe.
/// </summary>
internal static class TranscriptHashes
{
    /// <summary>ConfirmedTranscriptHashInput from its three parts, each already encoded as on the wire.</summary>
    public static byte[] ConfirmedInput(ushort wireFormat, ReadOnlySpan<byte> encodedFramedContent, ReadOnlySpan<byte> signature)
    {
        MlsWriter w = new(encodedFramedContent.Length + signature.Length + 8);
        w.U16(wireFormat);
        w.Raw(encodedFramedContent);
        w.Opaque(signature);
        return w.ToArray();
    }

    public static byte[] Confirmed(CipherSuite suite, ReadOnlySpan<byte> interimBefore, ReadOnlySpan<byte> confirmedInput)
    {
        byte[] input = new byte[interimBefore.Length + confirmedInput.Length];
        interimBefore.CopyTo(input);
        confirmedInput.CopyTo(input.AsSpan(interimBefore.Length));
        return suite.Hash(input);
    }

    public static byte[] Interim(CipherSuite suite, ReadOnlySpan<byte> confirmed, ReadOnlySpan<byte> confirmationTag)
    {
        MlsWriter w = new(confirmed.Length + confirmationTag.Length + 4);
        w.Raw(confirmed);
        w.Opaque(confirmationTag);
        return suite.Hash(w.ToArray());
    }

    /// <summary>Both hashes after a commit: the new confirmed hash and the interim hash the next commit builds on.</summary>
    public static (byte[] Confirmed, byte[] Interim) Next(CipherSuite suite, ReadOnlySpan<byte> interimBefore, ReadOnlySpan<byte> confirmedInput, ReadOnlySpan<byte> confirmationTag)
    {
        byte[] confirmed = Confirmed(suite, interimBefore, confirmedInput);
        return (confirmed, Interim(suite, confirmed, confirmationTag));
    }

    public static byte[] ConfirmationTag(CipherSuite suite, ReadOnlySpan<byte> confirmationKey, ReadOnlySpan<byte> confirmedTranscriptHash) =>
        suite.Mac(confirmationKey, confirmedTranscriptHash);

    /// <summary>Whether <paramref name="confirmationTag"/> confirms the hash under the key, compared in fixed time.</summary>
    public static bool VerifyConfirmationTag(CipherSuite suite, ReadOnlySpan<byte> confirmationKey, ReadOnlySpan<byte> confirmedTranscriptHash, ReadOnlySpan<byte> confirmationTag) =>
        CryptographicOperations.FixedTimeEquals(ConfirmationTag(suite, confirmationKey, confirmedTranscriptHash), confirmationTag);
}
