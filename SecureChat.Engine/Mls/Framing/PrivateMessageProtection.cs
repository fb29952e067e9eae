using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Mls.Codec;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Mls.Schedule;

namespace SecureChat.Engine.Mls.Framing;

/// <summary>
/// PrivateMessage protection (RFC 9420 section 6.3). The content, its auth data and zero padding
/// (PrivateMessageContent) are sealed under the key of one generation of the sender's ratchet, with the nonce's first
/// four bytes XORed with a fresh reuse guard, and PrivateContentAAD (group id, epoch, content type, authenticated
/// data) as associated data. The sender data (leaf index, generation, reuse guard) is sealed under
/// sender_data_key/nonce = ExpandWithLabel(sender_data_secret, "key"/"nonce", ciphertext_sample, Nk/Nn), where the
/// sample is the first Nh bytes of the content ciphertext, with SenderDataAAD (group id, epoch, content type). Only
/// members send PrivateMessages. A receiver opens the sender data first, asks the secret tree for that generation's
/// key, opens the content, requires the padding to be zero and checks the signature before returning anything.
/// Stateless and thread-safe.
/// </summary>
internal static class PrivateMessageProtection
{
    /// <summary>
    /// Seals <paramref name="content"/> (authenticated for the private_message wire format by a member) with
    /// <paramref name="key"/> and <paramref name="nonce"/> of <paramref name="generation"/> of the sender's ratchet,
    /// adding <paramref name="paddingLength"/> zero bytes. The reuse guard is drawn from <paramref name="random"/> (the
    /// system's CSPRNG unless given) unless <paramref name="reuseGuard"/> gives it (tests).
    /// </summary>
    public static PrivateMessage Protect(
        CipherSuite suite,
        AuthenticatedContent content,
        ReadOnlySpan<byte> senderDataSecret,
        uint generation,
        ReadOnlySpan<byte> key,
        ReadOnlySpan<byte> nonce,
        int paddingLength = 0,
        byte[]? reuseGuard = null,
        IRandomSource? random = null)
    {
        FramedContent framed = content.Content;
        if (content.WireFormat != WireFormat.PrivateMessage)
        {
            throw new ArgumentException($"content authenticated for {content.WireFormat} cannot be sent as a PrivateMessage", nameof(content));
        }

        if (framed.Sender.Type != SenderType.Member)
        {
            throw new ArgumentException("only a member sends a PrivateMessage (RFC 9420 section 6.3)", nameof(content));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(paddingLength);
        if (reuseGuard is null)
        {
            reuseGuard = new byte[SenderData.ReuseGuardSize];
            (random ?? SystemRandom.Instance).Fill(reuseGuard);
        }

        if (reuseGuard.Length != SenderData.ReuseGuardSize)
        {
            throw new ArgumentException($"a reuse guard is {SenderData.ReuseGuardSize} bytes", nameof(reuseGuard));
        }

        MlsWriter plain = new();
        framed.WriteBody(plain);
        content.Auth.Write(plain);
        plain.Raw(new byte[paddingLength]);
        byte[] plaintext = plain.ToArray();
        byte[] guardedNonce = GuardNonce(nonce, reuseGuard);
        byte[] ciphertext;
        try
        {
            ciphertext = suite.Seal(key, guardedNonce, ContentAad(framed.GroupId, framed.Epoch, framed.ContentType, framed.AuthenticatedData), plaintext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
            CryptographicOperations.ZeroMemory(guardedNonce);
        }

        (byte[] senderKey, byte[] senderNonce) = SenderDataKeys.Derive(suite, senderDataSecret, ciphertext);
        try
        {
            byte[] senderData = new SenderData(framed.Sender.Index, generation, reuseGuard).Encode();
            byte[] encryptedSenderData = suite.Seal(senderKey, senderNonce, SenderDataAad(framed.GroupId, framed.Epoch, framed.ContentType), senderData);
            return new PrivateMessage(framed.GroupId, framed.Epoch, framed.ContentType, framed.AuthenticatedData, encryptedSenderData, ciphertext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(senderKey);
            CryptographicOperations.ZeroMemory(senderNonce);
        }
    }

    /// <summary>
    /// Opens <paramref name="message"/> in the epoch of <paramref name="context"/>: the sender data under
    /// <paramref name="senderDataSecret"/>, the content under the key <paramref name="keys"/> gives for the claimed
    /// leaf and generation, then the signature under the key <paramref name="signatureKeyOf"/> gives for the
    /// decrypted content. Nothing is returned unless every step succeeds.
    /// </summary>
    public static bool TryUnprotect(
        CipherSuite suite,
        PrivateMessage message,
        GroupContext context,
        ReadOnlySpan<byte> senderDataSecret,
        MessageKeyLookup keys,
        Func<FramedContent, byte[]?> signatureKeyOf,
        [NotNullWhen(true)] out AuthenticatedContent? content,
        out UnprotectFailure failure)
    {
        content = null;
        failure = !message.GroupId.AsSpan().SequenceEqual(context.GroupId) ? UnprotectFailure.WrongGroup
            : message.Epoch != context.Epoch ? UnprotectFailure.WrongEpoch
            : UnprotectFailure.None;
        if (failure != UnprotectFailure.None)
        {
            return false;
        }

        if (!TryOpenSenderData(suite, message, senderDataSecret, out SenderData? senderData, out failure)
            || !TryOpenContent(suite, message, senderData, keys, out FramedContent? framed, out FramedContentAuthData? auth, out failure))
        {
            return false;
        }

        AuthenticatedContent candidate = new(WireFormat.PrivateMessage, framed, auth);
        byte[]? signatureKey = signatureKeyOf(framed);
        failure = signatureKey is null ? UnprotectFailure.UnknownSender
            : !ContentSignature.Verify(suite, signatureKey, candidate, context) ? UnprotectFailure.BadSignature
            : UnprotectFailure.None;
        if (failure != UnprotectFailure.None)
        {
            return false;
        }

        content = candidate;
        return true;
    }

    private static bool TryOpenSenderData(
        CipherSuite suite, PrivateMessage message, ReadOnlySpan<byte> senderDataSecret, [NotNullWhen(true)] out SenderData? senderData, out UnprotectFailure failure)
    {
        senderData = null;
        (byte[] key, byte[] nonce) = SenderDataKeys.Derive(suite, senderDataSecret, message.Ciphertext);
        try
        {
            if (!suite.TryOpen(key, nonce, SenderDataAad(message.GroupId, message.Epoch, message.ContentType), message.EncryptedSenderData, out byte[] plain))
            {
                failure = UnprotectFailure.SenderDataUnreadable;
                return false;
            }

            senderData = SenderData.Decode(plain);
            failure = UnprotectFailure.None;
            return true;
        }
        catch (MlsFormatException)
        {
            failure = UnprotectFailure.Malformed;
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(nonce);
        }
    }

    private static bool TryOpenContent(
        CipherSuite suite,
        PrivateMessage message,
        SenderData senderData,
        MessageKeyLookup keys,
        [NotNullWhen(true)] out FramedContent? framed,
        [NotNullWhen(true)] out FramedContentAuthData? auth,
        out UnprotectFailure failure)
    {
        framed = null;
        auth = null;
        if (!keys(senderData.LeafIndex, message.ContentType, senderData.Generation, out byte[] key, out byte[] nonce))
        {
            failure = UnprotectFailure.KeyUnavailable;
            return false;
        }

        byte[] guardedNonce = GuardNonce(nonce, senderData.ReuseGuard);
        byte[]? plaintext = null;
        try
        {
            if (!suite.TryOpen(key, guardedNonce, ContentAad(message.GroupId, message.Epoch, message.ContentType, message.AuthenticatedData), message.Ciphertext, out plaintext))
            {
                failure = UnprotectFailure.ContentUnreadable;
                return false;
            }

            MlsReader r = new(plaintext);
            framed = FramedContent.ReadBody(ref r, message.GroupId, message.Epoch, Sender.Member(senderData.LeafIndex), message.AuthenticatedData, message.ContentType);
            auth = FramedContentAuthData.Read(ref r, message.ContentType);
            if (r.Raw(r.Remaining).ContainsAnyExcept((byte)0))
            {
                framed = null;
                auth = null;
                failure = UnprotectFailure.Malformed;
                return false;
            }

            failure = UnprotectFailure.None;
            return true;
        }
        catch (MlsFormatException)
        {
            framed = null;
            auth = null;
            failure = UnprotectFailure.Malformed;
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(nonce);
            CryptographicOperations.ZeroMemory(guardedNonce);
            if (plaintext is not null)
            {
                CryptographicOperations.ZeroMemory(plaintext);
            }
        }
    }

    private static byte[] GuardNonce(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> reuseGuard)
    {
        byte[] guarded = nonce.ToArray();
        for (int i = 0; i < SenderData.ReuseGuardSize; i++)
        {
            guarded[i] ^= reuseGuard[i];
        }

        return guarded;
    }

    private static byte[] ContentAad(byte[] groupId, ulong epoch, ContentType type, byte[] authenticatedData) => MlsWriter.Encode(w =>
    {
        w.Opaque(groupId);
        w.U64(epoch);
        w.U8((byte)type);
        w.Opaque(authenticatedData);
    });

    private static byte[] SenderDataAad(byte[] groupId, ulong epoch, ContentType type) => MlsWriter.Encode(w =>
    {
        w.Opaque(groupId);
        w.U64(epoch);
        w.U8((byte)type);
    });
}
