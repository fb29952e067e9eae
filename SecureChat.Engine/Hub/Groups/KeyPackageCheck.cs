using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Codec;
using SecureChat.Engine.Mls.Messages;

namespace SecureChat.Engine.Hub.Groups;

/// <summary>
/// The hub's checks on a key package a client offers (PROTOCOL.md 4.8, RFC 9420 section 10.1) before it keeps it:
/// one MLSMessage of wire format <c>mls_key_package</c> that decodes with no bytes after it, version mls10, cipher
/// suite 1, a leaf of source <c>key_package</c> with a basic credential whose identity and signature key are both the
/// link's identity public key, an init key other than the leaf's encryption key, the package's and the leaf's
/// signatures valid under that key (the only signatures a hub verifies: a bad key package would make a whole commit
/// fail later), and a lifetime that covers the present. Stateless and thread-safe.
/// </summary>
internal static class KeyPackageCheck
{
    public static bool TryCheck(ReadOnlySpan<byte> message, ReadOnlySpan<byte> identityPublicKey, ulong nowUnixSeconds, out StoredKeyPackage? accepted, out string failure)
    {
        accepted = null;
        MlsMessage decoded;
        try
        {
            decoded = MlsMessage.Decode(message);
        }
        catch (MlsFormatException e)
        {
            failure = $"the key package does not decode ({e.Message})";
            return false;
        }

        if (decoded.KeyPackage is not { } keyPackage)
        {
            failure = $"the message is a {decoded.WireFormat}, not a key package";
            return false;
        }

        CipherSuite suite = CipherSuite.Suite1;
        LeafNode leaf = keyPackage.LeafNode;
        if (keyPackage.Version != ProtocolVersion.Mls10 || keyPackage.CipherSuite != suite.Id)
        {
            failure = $"the key package is for cipher suite {keyPackage.CipherSuite}, not 1";
            return false;
        }

        if (leaf.Source != LeafNodeSource.KeyPackage)
        {
            failure = "the key package's leaf is not of source key_package";
            return false;
        }

        if (leaf.Credential.Type != CredentialType.Basic
            || !leaf.Credential.Identity.AsSpan().SequenceEqual(identityPublicKey)
            || !leaf.SignatureKey.AsSpan().SequenceEqual(identityPublicKey))
        {
            failure = "the key package's credential or signature key is not the link's identity key";
            return false;
        }

        if (keyPackage.InitKey.AsSpan().SequenceEqual(leaf.EncryptionKey))
        {
            failure = "the key package's init key is its leaf's encryption key";
            return false;
        }

        if (!keyPackage.VerifySignature(suite) || !leaf.VerifySignature(suite, null, 0))
        {
            failure = "the key package's signature does not verify";
            return false;
        }

        if (leaf.Lifetime is not { } lifetime || !lifetime.Covers(nowUnixSeconds))
        {
            failure = "the key package's lifetime does not cover the present";
            return false;
        }

        accepted = new StoredKeyPackage(message.ToArray(), keyPackage.Reference(suite));
        failure = string.Empty;
        return true;
    }
}
