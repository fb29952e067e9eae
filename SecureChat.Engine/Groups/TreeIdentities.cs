using System.Security.Cryptography;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Mls.Tree;

namespace SecureChat.Engine.Groups;

/// <summary>
/// The identities in a group's tree (PROTOCOL.md 4.8): a leaf's BasicCredential carries the member's 32-byte Ed25519
/// identity public key, and the hub names members by its SHA-256 digest. Stateless and thread-safe.
/// </summary>
internal static class TreeIdentities
{
    private const int IdentitySize = 32;

    /// <summary>The identity digest a leaf or key package leaf carries, or null when its credential is not one.</summary>
    public static byte[]? DigestOf(LeafNode leaf) =>
        leaf.Credential.Type == CredentialType.Basic && leaf.Credential.Identity.Length == IdentitySize
            ? SHA256.HashData(leaf.Credential.Identity)
            : null;

    /// <summary>The leaf index holding the identity <paramref name="digest"/>, or null.</summary>
    public static uint? LeafOf(RatchetTree tree, ReadOnlySpan<byte> digest)
    {
        for (uint i = 0; i < tree.LeafCount; i++)
        {
            if (tree.GetLeaf(i) is { } leaf && DigestOf(leaf) is { } found && found.AsSpan().SequenceEqual(digest))
            {
                return i;
            }
        }

        return null;
    }

    /// <summary>The identity digest of leaf <paramref name="leafIndex"/>, or null when it is blank or not an identity.</summary>
    public static byte[]? DigestAt(RatchetTree tree, uint leafIndex) =>
        tree.GetLeaf(leafIndex) is { } leaf ? DigestOf(leaf) : null;

    /// <summary>Every identity digest in the tree, as lowercase hexadecimal, in leaf order.</summary>
    public static List<string> HexDigests(RatchetTree tree)
    {
        var digests = new List<string>();
        for (uint i = 0; i < tree.LeafCount; i++)
        {
            if (DigestAt(tree, i) is { } digest)
            {
                digests.Add(Convert.ToHexStringLower(digest));
            }
        }

        return digests;
    }
}
