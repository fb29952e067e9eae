using System.Security.Cryptography;
using SecureChat.Engine.Mls.Tree;

namespace SecureChat.Engine.Mls.Group;

/// <summary>
/// The HPKE key pairs a joiner learns from the path secret of its Welcome (RFC 9420 sections 7.4 and 12.4.3.1), with
/// TreeKEM's derivations:
/// <code>
/// path_secret[n+1] = DeriveSecret(path_secret[n], "path")
/// node_secret[n]   = DeriveSecret(path_secret[n], "node")
/// node_priv[n], node_pub[n] = KEM.DeriveKeyPair(node_secret[n])
/// </code>
/// along the committer's filtered direct path, from the node the secret belongs to up to the root. Every derived
/// public key must equal the one the tree holds at that node (sections 7.6 and 12.4.3.1): a mismatch means the
/// committer lied and the whole path is refused. Stateless and thread-safe.
/// </summary>
internal static class PathKeys
{
    /// <summary>
    /// Derives the private keys of <paramref name="pathNodes"/>[<paramref name="start"/>..] from
    /// <paramref name="pathSecret"/> (the secret of the node at <paramref name="start"/>) and checks them against
    /// <paramref name="tree"/>. On success the keys are added to <paramref name="privateKeys"/> and the last path
    /// secret (the root's) is returned for the commit secret; on failure nothing is added.
    /// </summary>
    public static bool TryDerive(
        CipherSuite suite,
        RatchetTree tree,
        IReadOnlyList<uint> pathNodes,
        int start,
        ReadOnlySpan<byte> pathSecret,
        Dictionary<uint, byte[]> privateKeys,
        out byte[]? rootPathSecret,
        out string failure)
    {
        var derived = new List<(uint Node, byte[] Key)>();
        byte[] secret = pathSecret.ToArray();
        rootPathSecret = null;
        try
        {
            for (int i = start; i < pathNodes.Count; i++)
            {
                if (i > start)
                {
                    byte[] next = TreeKem.NextPathSecret(suite, secret);
                    CryptographicOperations.ZeroMemory(secret);
                    secret = next;
                }

                uint node = pathNodes[i];
                (byte[] privateKey, byte[] publicKey) = TreeKem.NodeKeyPair(suite, secret);
                derived.Add((node, privateKey));
                if (tree.IsBlank(node) || !tree.EncryptionKeyAt(node).AsSpan().SequenceEqual(publicKey))
                {
                    failure = $"the path secret does not give the public key the tree holds at node {node}";
                    return false;
                }
            }

            foreach ((uint node, byte[] key) in derived)
            {
                if (privateKeys.Remove(node, out byte[]? old))
                {
                    CryptographicOperations.ZeroMemory(old);
                }

                privateKeys[node] = key;
            }

            derived.Clear();
            rootPathSecret = secret;
            secret = [];
            failure = "";
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
            foreach ((_, byte[] key) in derived)
            {
                CryptographicOperations.ZeroMemory(key);
            }
        }
    }

    /// <summary>The nodes of <paramref name="leafIndex"/>'s filtered direct path in <paramref name="tree"/>, leaf upward.</summary>
    public static List<uint> FilteredPathNodes(RatchetTree tree, uint leafIndex) =>
        [.. tree.FilteredDirectPath(leafIndex).Select(p => p.Node)];
}
