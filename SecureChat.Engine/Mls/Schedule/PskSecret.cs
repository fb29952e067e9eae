using System.Security.Cryptography;
using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Schedule;

/// <summary>
/// psk_secret from the pre-shared keys a commit or Welcome names (RFC 9420 section 8.4):
/// <code>
/// psk_extracted_[i] = Extract(salt = Nh zeros, ikm = psk_[i])
/// psk_input_[i]     = ExpandWithLabel(psk_extracted_[i], "derived psk", PSKLabel{ id_[i]; u16 index = i; u16 count = n }, Nh)
/// psk_secret_[0]    = Nh zeros;  psk_secret_[i+1] = Extract(salt = psk_input_[i], ikm = psk_secret_[i])
/// </code>
/// Each PreSharedKeyID is given in its encoded form (its structure belongs with the proposals). Stateless and thread-safe.
/// </summary>
internal static class PskSecret
{
    /// <summary>The most pre-shared keys a single epoch may name (PSKLabel carries the count in a uint16).</summary>
    public const int CountMax = ushort.MaxValue;

    /// <summary>psk_secret when no pre-shared key is used: Nh zero bytes.</summary>
    public static byte[] None(CipherSuite suite) => new byte[suite.HashLength];

    public static byte[] Compute(CipherSuite suite, IReadOnlyList<(byte[] EncodedId, byte[] Psk)> psks)
    {
        if (psks.Count > CountMax)
        {
            throw new ArgumentException($"at most {CountMax} pre-shared keys, not {psks.Count}", nameof(psks));
        }

        byte[] zero = new byte[suite.HashLength];
        byte[] secret = new byte[suite.HashLength];
        for (int i = 0; i < psks.Count; i++)
        {
            MlsWriter label = new();
            label.Raw(psks[i].EncodedId);
            label.U16((ushort)i);
            label.U16((ushort)psks.Count);

            byte[] extracted = suite.Extract(zero, psks[i].Psk);
            byte[] input = suite.ExpandWithLabel(extracted, "derived psk", label.ToArray(), suite.HashLength);
            byte[] next = suite.Extract(input, secret);
            CryptographicOperations.ZeroMemory(extracted);
            CryptographicOperations.ZeroMemory(input);
            CryptographicOperations.ZeroMemory(secret);
            secret = next;
        }

        return secret;
    }
}
