namespace SecureChat.Engine.Mls.Schedule;

/// <summary>
/// The key and nonce that encrypt a PrivateMessage's sender data (RFC 9420 section 6.3.2): with
/// ciphertext_sample = the first Nh bytes of the content ciphertext (all of it when shorter),
/// sender_data_key = ExpandWithLabel(sender_data_secret, "key", ciphertext_sample, Nk) and
/// sender_data_nonce = ExpandWithLabel(sender_data_secret, "nonce", ciphertext_sample, Nn). Stateless and thread-safe.
/// </summary>
internal static class SenderDataKeys
{
    public static (byte[] Key, byte[] Nonce) Derive(CipherSuite suite, ReadOnlySpan<byte> senderDataSecret, ReadOnlySpan<byte> ciphertext)
    {
        ReadOnlySpan<byte> sample = ciphertext[..Math.Min(ciphertext.Length, suite.HashLength)];
        return (suite.ExpandWithLabel(senderDataSecret, "key", sample, suite.AeadKeyLength),
                suite.ExpandWithLabel(senderDataSecret, "nonce", sample, suite.AeadNonceLength));
    }
}
