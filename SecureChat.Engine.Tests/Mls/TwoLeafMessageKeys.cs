using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Messages;

namespace SecureChat.Engine.Tests.Mls;

/// <summary>
/// The ratchet keys of a two-leaf secret tree (RFC 9420 section 9), derived straight from the encryption secret with
/// <see cref="CipherSuite.DeriveTreeSecret"/>, as message-protection.json's verification asks ("a secret tree for 2
/// members"): leaf 1 is the root's right child. Recomputes every generation from the start; test use only.
/// </summary>
internal sealed class TwoLeafMessageKeys(CipherSuite suite, byte[] encryptionSecret)
{
    public bool TryGet(uint leafIndex, ContentType type, uint generation, out byte[] key, out byte[] nonce)
    {
        key = [];
        nonce = [];
        if (leafIndex > 1 || generation > 1000)
        {
            return false;
        }

        byte[] leafSecret = suite.ExpandWithLabel(encryptionSecret, "tree", leafIndex == 0 ? "left"u8 : "right"u8, suite.HashLength);
        byte[] secret = suite.ExpandWithLabel(leafSecret, type == ContentType.Application ? "application" : "handshake", [], suite.HashLength);
        for (uint j = 0; j < generation; j++)
        {
            secret = suite.DeriveTreeSecret(secret, "secret", j, suite.HashLength);
        }

        key = suite.DeriveTreeSecret(secret, "key", generation, suite.AeadKeyLength);
        nonce = suite.DeriveTreeSecret(secret, "nonce", generation, suite.AeadNonceLength);
        return true;
    }
}
