using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace SecureChat.Engine.History;

/// <summary>
/// A message row's body: <c>nonce (24) || XChaCha20-Poly1305 ciphertext || tag (16)</c> (draft-irtf-cfrg-xchacha;
/// libsodium through NSec; random nonces, which 192 bits make safe), sealing
/// <code>version (1) = 1 || flags (1, bit 0: own line) || hub, name, sender, text (each: length (4) || UTF-8)</code>
/// with associated data <c>"securechat history row v1" || database id (16) || conversation tag (16) || sequence (8)
/// || time in Unix ms (8)</c>, big-endian. The clear columns are thus bound to the body: a body moved to another row,
/// another conversation or another database, or a row whose time or sequence was edited, fails its tag.
/// Deleting whole rows cannot be told apart from retention. Stateless and thread-safe.
/// </summary>
internal static class HistoryRowCipher
{
    public const int NonceSize = 24;
    public const int TagSize = 16;

    /// <summary>The largest body read back: larger is refused before it is decrypted.</summary>
    public const int BodyMax = 4 * 1024 * 1024;

    private const byte Version = 1;
    private const byte OwnFlag = 1;
    private static readonly byte[] s_label = "securechat history row v1"u8.ToArray();

    public static byte[] Seal(HistoryKey key, ReadOnlySpan<byte> databaseId, ReadOnlySpan<byte> tag, long sequence, long timeMs, HistoryMessage message)
    {
        byte[] hub = Encoding.UTF8.GetBytes(message.Conversation.Hub);
        byte[] name = Encoding.UTF8.GetBytes(message.Conversation.Name);
        byte[] sender = Encoding.UTF8.GetBytes(message.Sender);
        byte[] text = Encoding.UTF8.GetBytes(message.Text);
        byte[] plain = new byte[2 + 16 + hub.Length + name.Length + sender.Length + text.Length];
        try
        {
            plain[0] = Version;
            plain[1] = message.IsOwn ? OwnFlag : (byte)0;
            int o = 2;
            foreach (byte[] field in (ReadOnlySpan<byte[]>)[hub, name, sender, text])
            {
                BinaryPrimitives.WriteInt32BigEndian(plain.AsSpan(o), field.Length);
                field.CopyTo(plain, o + 4);
                o += 4 + field.Length;
            }

            if (NonceSize + plain.Length + TagSize > BodyMax)
            {
                throw new ArgumentException($"a line of at most {BodyMax} bytes", nameof(message));
            }

            byte[] body = new byte[NonceSize + plain.Length + TagSize];
            RandomNumberGenerator.Fill(body.AsSpan(0, NonceSize));
            AeadAlgorithm.XChaCha20Poly1305.Encrypt(key.RowKey, body.AsSpan(0, NonceSize),
                AssociatedData(databaseId, tag, sequence, timeMs), plain, body.AsSpan(NonceSize));
            return body;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
            CryptographicOperations.ZeroMemory(text);
            CryptographicOperations.ZeroMemory(sender);
        }
    }

    /// <summary>Opens a body; false when it fails its tag or its content is malformed (the row was altered or moved).</summary>
    public static bool TryOpen(HistoryKey key, ReadOnlySpan<byte> databaseId, ReadOnlySpan<byte> tag, long sequence, long timeMs,
        ReadOnlySpan<byte> body, out HistoryMessage? message)
    {
        message = null;
        if (body.Length < NonceSize + TagSize + 2 + 16 || body.Length > BodyMax)
        {
            return false;
        }

        byte[] plain = new byte[body.Length - NonceSize - TagSize];
        try
        {
            if (!AeadAlgorithm.XChaCha20Poly1305.Decrypt(key.RowKey, body[..NonceSize],
                AssociatedData(databaseId, tag, sequence, timeMs), body[NonceSize..], plain))
            {
                return false;
            }

            if (plain[0] != Version)
            {
                return false;
            }

            var fields = new string[4];
            int o = 2;
            for (int i = 0; i < fields.Length; i++)
            {
                if (plain.Length - o < 4)
                {
                    return false;
                }

                int length = BinaryPrimitives.ReadInt32BigEndian(plain.AsSpan(o));
                if (length < 0 || length > plain.Length - o - 4)
                {
                    return false;
                }

                fields[i] = Encoding.UTF8.GetString(plain, o + 4, length);
                o += 4 + length;
            }

            if (o != plain.Length || fields[1].Length == 0)
            {
                return false;
            }

            message = new HistoryMessage(new HistoryConversation(fields[0], fields[1]), DateTimeOffset.FromUnixTimeMilliseconds(timeMs),
                fields[2], fields[3], (plain[1] & OwnFlag) != 0);
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    private static byte[] AssociatedData(ReadOnlySpan<byte> databaseId, ReadOnlySpan<byte> tag, long sequence, long timeMs)
    {
        byte[] ad = new byte[s_label.Length + databaseId.Length + tag.Length + 16];
        s_label.CopyTo(ad, 0);
        databaseId.CopyTo(ad.AsSpan(s_label.Length));
        tag.CopyTo(ad.AsSpan(s_label.Length + databaseId.Length));
        BinaryPrimitives.WriteInt64BigEndian(ad.AsSpan(ad.Length - 16), sequence);
        BinaryPrimitives.WriteInt64BigEndian(ad.AsSpan(ad.Length - 8), timeMs);
        return ad;
    }
}
