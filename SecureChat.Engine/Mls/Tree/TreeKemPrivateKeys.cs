using System.Security.Cryptography;
using SecureChat.Engine.Crypto;

namespace SecureChat.Engine.Mls.Tree;

/// <summary>
/// One member's private view of the ratchet tree (RFC 9420 section 4.2): its leaf's HPKE private key and the
/// private keys of the parent nodes above it that it knows. Keys live in pinned arrays (<see cref="SecretArray"/>)
/// and are wiped when replaced, removed or disposed, so a key from an earlier epoch does not outlive its node
/// (section 7.5: delete replaced key pairs). Not thread-safe.
/// </summary>
internal sealed class TreeKemPrivateKeys : IDisposable
{
    private readonly Dictionary<uint, byte[]> _keys = [];

    /// <summary>Copies <paramref name="leafPrivateKey"/>; the caller keeps and wipes its own array.</summary>
    public TreeKemPrivateKeys(uint leafIndex, ReadOnlySpan<byte> leafPrivateKey)
        : this(leafIndex)
    {
        Set(2 * leafIndex, leafPrivateKey);
    }

    private TreeKemPrivateKeys(uint leafIndex) => LeafIndex = leafIndex;

    public uint LeafIndex { get; }

    /// <summary>The node indices this member holds a private key for, in increasing order.</summary>
    public IEnumerable<uint> Nodes => _keys.Keys.Order();

    public bool TryGet(uint node, out byte[] privateKey) => _keys.TryGetValue(node, out privateKey!);

    /// <summary>Stores a copy of <paramref name="privateKey"/> for <paramref name="node"/>, wiping any key it replaces.</summary>
    public void Set(uint node, ReadOnlySpan<byte> privateKey)
    {
        Remove(node);
        _keys[node] = SecretArray.Copy(privateKey);
    }

    /// <summary>
    /// Section 7.4: derives the node's key pair from <paramref name="pathSecret"/> (through the node secret), keeps
    /// the private key and returns the public key.
    /// </summary>
    public byte[] SetFromPathSecret(CipherSuite suite, uint node, ReadOnlySpan<byte> pathSecret)
    {
        (byte[] privateKey, byte[] publicKey) = TreeKem.NodeKeyPair(suite, pathSecret);
        try
        {
            Set(node, privateKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
        }

        return publicKey;
    }

    public void Remove(uint node)
    {
        if (_keys.Remove(node, out byte[]? old))
        {
            CryptographicOperations.ZeroMemory(old);
        }
    }

    /// <summary>
    /// Wipes the keys of nodes that <paramref name="tree"/> no longer holds (blanked by an Update or Remove, or cut
    /// off by truncation), so that a blanked node's key does not outlive it (section 7.5).
    /// </summary>
    public void ForgetBlankNodes(RatchetTree tree)
    {
        foreach (uint node in _keys.Keys.Where(n => n != 2 * LeafIndex && (n >= tree.NodeCount || tree.IsBlank(n))).ToList())
        {
            Remove(node);
        }
    }

    /// <summary>
    /// Whether every key held matches the tree: its node is not blank and holds the matching public key, and the
    /// node is the member's leaf or above it.
    /// </summary>
    public bool ConsistentWith(CipherSuite suite, RatchetTree tree)
    {
        foreach ((uint node, byte[] privateKey) in _keys)
        {
            if (node >= tree.NodeCount || tree.IsBlank(node) || !TreeMath.IsInSubtree(2 * LeafIndex, node)
                || !suite.PublicKeyOf(privateKey).AsSpan().SequenceEqual(tree.EncryptionKeyAt(node)))
            {
                return false;
            }
        }

        return true;
    }

    public TreeKemPrivateKeys Clone()
    {
        var copy = new TreeKemPrivateKeys(LeafIndex);
        foreach ((uint node, byte[] key) in _keys)
        {
            copy.Set(node, key);
        }

        return copy;
    }

    public void Dispose()
    {
        foreach (byte[] key in _keys.Values)
        {
            CryptographicOperations.ZeroMemory(key);
        }

        _keys.Clear();
    }
}
