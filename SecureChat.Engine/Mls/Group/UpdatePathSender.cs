using System.Security.Cryptography;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Mls.Tree;

namespace SecureChat.Engine.Mls.Group;

/// <summary>
/// A committer's side of TreeKEM (RFC 9420 sections 7.4, 7.5 and 7.9): blank its direct path, draw a fresh leaf key
/// pair and a random first path secret, derive path_secret[n] = DeriveSecret(path_secret[n-1], "path") along the
/// filtered direct path with node keys from DeriveSecret(path_secret, "node"), set the new parent nodes and their
/// parent hashes, sign the new leaf (source commit, with the leaf's parent hash), and, once the caller has the
/// provisional GroupContext, seal each path secret to every node of the copath child's resolution (added leaves
/// left out). Owned by one commit being built; not thread-safe.
/// </summary>
internal sealed class UpdatePathSender : IDisposable
{
    private readonly List<(uint Node, uint CopathChild)> _path;
    private readonly List<byte[]> _pathSecrets = [];

    /// <summary>Changes <paramref name="tree"/> (a copy the caller owns): the committer's new leaf and path.</summary>
    public UpdatePathSender(CipherSuite suite, RatchetTree tree, GroupState state)
    {
        uint own = state.OwnLeaf;
        tree.BlankDirectPath(own);
        _path = tree.FilteredDirectPath(own);
        byte[] secret = RandomNumberGenerator.GetBytes(suite.HashLength);
        foreach ((uint node, _) in _path)
        {
            _pathSecrets.Add(secret);
            byte[] nodeSecret = suite.DeriveSecret(secret, "node");
            (byte[] privateKey, byte[] publicKey) = suite.DeriveKeyPair(nodeSecret);
            CryptographicOperations.ZeroMemory(nodeSecret);
            PrivateKeys[node] = privateKey;
            tree.SetParent(node, new ParentNode(publicKey, [], []));
            secret = suite.DeriveSecret(secret, "path");
        }

        CommitSecret = secret;
        byte[] parentHash = ParentHasher.SetPathParentHashes(suite, tree, own);
        (byte[] leafPrivate, byte[] leafPublic) = suite.DeriveKeyPair(RandomNumberGenerator.GetBytes(suite.HashLength));
        PrivateKeys[TreeMath.LeafToNode(own)] = leafPrivate;
        LeafNode current = state.Tree.GetLeaf(own)!;
        Leaf = new LeafNode(leafPublic, current.SignatureKey, current.Credential, current.Capabilities, LeafNodeSource.Commit, null, parentHash, current.Extensions, [])
            .Signed(suite, state.SignaturePrivateKey, state.GroupId, own);
        tree.SetLeaf(own, Leaf);
    }

    public LeafNode Leaf { get; }

    /// <summary>commit_secret: the secret one step past the root's path secret.</summary>
    public byte[] CommitSecret { get; }

    /// <summary>The private keys of the committer's new leaf and path nodes, by node index.</summary>
    public Dictionary<uint, byte[]> PrivateKeys { get; } = [];

    /// <summary>The UpdatePath: each path secret sealed under the encoded provisional GroupContext.</summary>
    public UpdatePath Seal(CipherSuite suite, RatchetTree tree, byte[] provisionalContext, IReadOnlySet<uint> addedLeaves)
    {
        var nodes = new List<UpdatePathNode>(_path.Count);
        for (int i = 0; i < _path.Count; i++)
        {
            var sealedSecrets = new List<HpkeCiphertext>();
            foreach (uint member in tree.Resolution(_path[i].CopathChild, addedLeaves))
            {
                (byte[] kem, byte[] ciphertext) = suite.EncryptWithLabel(tree.EncryptionKeyAt(member), "UpdatePathNode", provisionalContext, _pathSecrets[i]);
                sealedSecrets.Add(new HpkeCiphertext(kem, ciphertext));
            }

            nodes.Add(new UpdatePathNode(tree.EncryptionKeyAt(_path[i].Node), sealedSecrets));
        }

        return new UpdatePath(Leaf, nodes);
    }

    /// <summary>The path secret of the node shared with <paramref name="leaf"/> (their lowest common ancestor), for its Welcome.</summary>
    public byte[] PathSecretFor(uint ownLeaf, uint leaf)
    {
        uint ancestor = TreeMath.CommonAncestor(TreeMath.LeafToNode(ownLeaf), TreeMath.LeafToNode(leaf));
        int index = _path.FindIndex(p => p.Node == ancestor);
        return index >= 0
            ? _pathSecrets[index].ToArray()
            : throw new InvalidOperationException($"node {ancestor} is not on the committer's filtered direct path");
    }

    public void Dispose()
    {
        foreach (byte[] secret in _pathSecrets)
        {
            CryptographicOperations.ZeroMemory(secret);
        }

        CryptographicOperations.ZeroMemory(CommitSecret);
    }
}
