using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Mls.Tree;

namespace SecureChat.Engine.Mls.Group;

/// <summary>
/// The checks on a KeyPackage before its client is added (RFC 9420 sections 10.1 and 7.3): protocol version mls10
/// and the group's cipher suite; the package's signature under its leaf's key; a leaf from source key_package whose
/// own signature verifies, whose lifetime covers now (when a time is given), and which supports the group; an init
/// key that differs from the leaf's encryption key; and no key already used by a member (a client already in the
/// group). Stateless and thread-safe.
/// </summary>
internal static class KeyPackageValidation
{
    public static bool TryValidate(CipherSuite suite, KeyPackage keyPackage, GroupContext context, RatchetTree tree, ulong? nowUnixSeconds, out string failure)
    {
        LeafNode leaf = keyPackage.LeafNode;
        if (keyPackage.Version != ProtocolVersion.Mls10 || keyPackage.CipherSuite != context.CipherSuite)
        {
            failure = $"a key package is for version {(ushort)keyPackage.Version} and cipher suite {keyPackage.CipherSuite}, not the group's";
            return false;
        }

        if (!keyPackage.VerifySignature(suite))
        {
            failure = "a key package's signature does not verify";
            return false;
        }

        if (leaf.Source != LeafNodeSource.KeyPackage || !leaf.VerifySignature(suite, null, 0))
        {
            failure = "a key package's leaf is not a validly signed key_package leaf";
            return false;
        }

        if (nowUnixSeconds is { } now && !leaf.Lifetime!.Covers(now))
        {
            failure = $"a key package is outside its lifetime ({leaf.Lifetime.NotBefore} to {leaf.Lifetime.NotAfter}, now {now})";
            return false;
        }

        if (keyPackage.InitKey.AsSpan().SequenceEqual(leaf.EncryptionKey))
        {
            failure = "a key package uses its leaf's encryption key as its init key";
            return false;
        }

        foreach (uint member in tree.OccupiedLeaves())
        {
            LeafNode existing = tree.GetLeaf(member)!;
            if (existing.SignatureKey.AsSpan().SequenceEqual(leaf.SignatureKey) || existing.EncryptionKey.AsSpan().SequenceEqual(leaf.EncryptionKey))
            {
                failure = $"a key package's client is already in the group (a key of leaf {member})";
                return false;
            }
        }

        return LeafValidation.TryValidate(leaf, context, tree, null, out failure);
    }
}
