using System.Security.Cryptography;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Mls.Messages;

namespace SecureChat.Engine.Mls.Tree;

/// <summary>
/// TreeKEM, RFC 9420 sections 7.4-7.6: a committer refreshes its leaf and filtered direct path from a chain of path
/// secrets (path_secret[n] = DeriveSecret(path_secret[n-1], "path"); each node's key pair from
/// DeriveKeyPair(DeriveSecret(path_secret, "node"))) and encrypts each path secret with EncryptWithLabel(...,
/// "UpdatePathNode", provisional GroupContext, ...) to the resolution of the copath child; the commit secret is the
/// path secret one past the root's. A receiver first merges the UpdatePath into a copy of its tree (checking its
/// shape, the new leaf's parent hash and signature), then decrypts the one ciphertext meant for a node it holds a key
/// for and derives the rest up to the root, checking every derived public key against the path. Peer input never
/// makes the receiving side throw; failures come back as false with one reason. Thread-safe (stateless).
/// </summary>
internal static class TreeKem
{
    public const string EncryptionLabel = "UpdatePathNode";

    /// <summary>Section 7.4: the node's HPKE key pair from its path secret (through the node secret, wiped after use).</summary>
    public static (byte[] PrivateKey, byte[] PublicKey) NodeKeyPair(CipherSuite suite, ReadOnlySpan<byte> pathSecret)
    {
        byte[] nodeSecret = suite.DeriveSecret(pathSecret, "node");
        try
        {
            return suite.DeriveKeyPair(nodeSecret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(nodeSecret);
        }
    }

    /// <summary>Section 7.4: the path secret of the next node up the filtered direct path (or the commit secret after the root).</summary>
    public static byte[] NextPathSecret(CipherSuite suite, ReadOnlySpan<byte> pathSecret) => suite.DeriveSecret(pathSecret, "path");

    /// <summary>
    /// Sections 7.5 and 12.4.2, the committer's side: changes <paramref name="tree"/> (the tree after the Commit's
    /// proposals) to hold the committer's new leaf and path, then encrypts the path secrets under the provisional
    /// GroupContext that <paramref name="provisionalGroupContext"/> encodes from the new tree hash. Members in
    /// <paramref name="newMembers"/> (added by this Commit) are left out of the encryptions.
    /// </summary>
    /// <exception cref="ArgumentException">The committer's leaf is blank or the signature key is not its own.</exception>
    public static TreeKemEncapResult Encap(
        CipherSuite suite,
        RatchetTree tree,
        uint leafIndex,
        byte[] groupId,
        ReadOnlySpan<byte> signaturePrivateKey,
        Func<byte[], byte[]> provisionalGroupContext,
        IReadOnlySet<uint>? newMembers = null,
        IRandomSource? random = null)
    {
        random ??= SystemRandom.Instance;
        LeafNode old = tree.GetLeaf(leafIndex) ?? throw new ArgumentException($"leaf {leafIndex} is blank", nameof(leafIndex));
        if (!suite.SignaturePublicKeyOf(signaturePrivateKey).AsSpan().SequenceEqual(old.SignatureKey))
        {
            throw new ArgumentException("the signature key is not the committer's", nameof(signaturePrivateKey));
        }

        tree.BlankDirectPath(leafIndex);
        List<(uint Node, uint CopathChild)> path = tree.FilteredDirectPath(leafIndex);
        (byte[] leafPrivate, byte[] leafPublic) = RandomKeyPair(suite, random);
        var keys = new TreeKemPrivateKeys(leafIndex, leafPrivate);
        CryptographicOperations.ZeroMemory(leafPrivate);

        var pathSecrets = new Dictionary<uint, byte[]>();
        byte[] secret = SecretArray.Allocate(suite.HashLength);
        random.Fill(secret);
        foreach ((uint node, _) in path)
        {
            pathSecrets[node] = secret;
            tree.SetParent(node, new ParentNode(keys.SetFromPathSecret(suite, node, secret), [], []));
            secret = NextPathSecret(suite, secret);
        }

        byte[] parentHash = ParentHasher.SetPathParentHashes(suite, tree, leafIndex);
        var unsigned = new LeafNode(leafPublic, old.SignatureKey, old.Credential, old.Capabilities, LeafNodeSource.Commit, null, parentHash, old.Extensions, []);
        LeafNode leaf = unsigned with { Signature = suite.SignWithLabel(signaturePrivateKey, LeafNode.SignatureLabel, unsigned.EncodeTbs(groupId, leafIndex)) };
        tree.SetLeaf(leafIndex, leaf);

        byte[] context = provisionalGroupContext(TreeHasher.RootHash(suite, tree));
        var nodes = new List<UpdatePathNode>(path.Count);
        foreach ((uint node, uint copathChild) in path)
        {
            var ciphertexts = new List<HpkeCiphertext>();
            foreach (uint recipient in tree.Resolution(copathChild, newMembers))
            {
                (byte[] kem, byte[] ciphertext) = suite.EncryptWithLabel(tree.EncryptionKeyAt(recipient), EncryptionLabel, context, pathSecrets[node], random);
                ciphertexts.Add(new HpkeCiphertext(kem, ciphertext));
            }

            nodes.Add(new UpdatePathNode(tree.EncryptionKeyAt(node), ciphertexts));
        }

        return new TreeKemEncapResult(new UpdatePath(leaf, nodes), secret, keys, pathSecrets);
    }

    /// <summary>
    /// Section 7.5, "merges UpdatePath into the tree", on a copy of <paramref name="tree"/> (the tree after the
    /// Commit's proposals): the path must have one node per filtered-direct-path node, each with one ciphertext per
    /// member of its copath child's resolution (without <paramref name="newMembers"/>, section 7.6); the new leaf must
    /// come from a commit, carry a fresh encryption key, the parent hash of section 7.9.2 and a valid signature.
    /// </summary>
    public static bool TryMergePath(
        CipherSuite suite,
        RatchetTree tree,
        uint senderLeaf,
        UpdatePath path,
        byte[] groupId,
        IReadOnlySet<uint>? newMembers,
        out RatchetTree? merged,
        out string failure)
    {
        merged = null;
        LeafNode leaf = path.LeafNode;
        if (tree.GetLeaf(senderLeaf) is not { } old)
        {
            failure = "the committer's leaf is blank";
            return false;
        }

        if (leaf.Source != LeafNodeSource.Commit || !Hpke.IsUsablePublicKey(leaf.EncryptionKey) || leaf.EncryptionKey.AsSpan().SequenceEqual(old.EncryptionKey))
        {
            failure = "the committer's new leaf is not a fresh leaf from a commit";
            return false;
        }

        RatchetTree next = tree.Clone();
        next.BlankDirectPath(senderLeaf);
        List<(uint Node, uint CopathChild)> filtered = next.FilteredDirectPath(senderLeaf);
        if (path.Nodes.Count != filtered.Count)
        {
            failure = $"the update path has {path.Nodes.Count} nodes where the committer's filtered direct path has {filtered.Count}";
            return false;
        }

        for (int i = 0; i < filtered.Count; i++)
        {
            UpdatePathNode node = path.Nodes[i];
            int recipients = next.Resolution(filtered[i].CopathChild, newMembers).Count;
            if (node.EncryptedPathSecret.Count != recipients)
            {
                failure = $"node {filtered[i].Node} of the update path has {node.EncryptedPathSecret.Count} ciphertexts for {recipients} recipients";
                return false;
            }

            if (!Hpke.IsUsablePublicKey(node.EncryptionKey))
            {
                failure = $"node {filtered[i].Node} of the update path has an encryption key that is not a usable X25519 public key";
                return false;
            }

            next.SetParent(filtered[i].Node, new ParentNode(node.EncryptionKey, [], []));
        }

        byte[] parentHash = ParentHasher.SetPathParentHashes(suite, next, senderLeaf);
        if (!parentHash.AsSpan().SequenceEqual(leaf.ParentHash))
        {
            failure = "the committer's leaf does not carry the parent hash of its path";
            return false;
        }

        if (!leaf.VerifySignature(suite, groupId, senderLeaf))
        {
            failure = "the signature of the committer's new leaf does not verify";
            return false;
        }

        next.SetLeaf(senderLeaf, leaf);
        merged = next;
        failure = "";
        return true;
    }

    /// <summary>
    /// Section 7.5, "decrypts the path secrets", against the tree <see cref="TryMergePath"/> produced: opens the
    /// ciphertext for the first node of the copath child's resolution <paramref name="keys"/> holds a key for, derives
    /// the path secrets up to the root, and checks each derived public key against the path. Only when all of that
    /// holds are the keys updated: those of the committer's direct path are dropped (wiped) and the derived ones
    /// stored. <paramref name="pathSecret"/> is the decrypted secret (the common ancestor's); both outputs are the
    /// caller's to wipe.
    /// </summary>
    public static bool TryDecryptPath(
        CipherSuite suite,
        RatchetTree merged,
        uint senderLeaf,
        UpdatePath path,
        IReadOnlySet<uint>? newMembers,
        ReadOnlySpan<byte> groupContext,
        TreeKemPrivateKeys keys,
        out byte[] pathSecret,
        out byte[] commitSecret,
        out string failure)
    {
        pathSecret = commitSecret = [];
        uint me = keys.LeafIndex;
        List<(uint Node, uint CopathChild)> filtered = merged.FilteredDirectPath(senderLeaf);
        int step = me == senderLeaf || newMembers?.Contains(me) == true ? -1 : filtered.FindIndex(p => TreeMath.IsInSubtree(2 * me, p.CopathChild));
        if (step < 0 || path.Nodes.Count != filtered.Count)
        {
            failure = "no path secret of this update path is meant for this member";
            return false;
        }

        List<uint> resolution = merged.Resolution(filtered[step].CopathChild, newMembers);
        int slot = resolution.FindIndex(n => keys.TryGet(n, out _));
        if (slot < 0 || path.Nodes[step].EncryptedPathSecret.Count != resolution.Count)
        {
            failure = "this member holds no key for the nodes the path secret was encrypted to";
            return false;
        }

        keys.TryGet(resolution[slot], out byte[] privateKey);
        HpkeCiphertext ciphertext = path.Nodes[step].EncryptedPathSecret[slot];
        if (!suite.TryDecryptWithLabel(privateKey, EncryptionLabel, groupContext, ciphertext.KemOutput, ciphertext.Ciphertext, out byte[] secret))
        {
            failure = "the path secret did not decrypt";
            return false;
        }

        var derived = new List<(uint Node, byte[] PrivateKey)>();
        byte[] current = secret;
        for (int k = step; k < filtered.Count; k++)
        {
            (byte[] nodePrivate, byte[] nodePublic) = NodeKeyPair(suite, current);
            derived.Add((filtered[k].Node, nodePrivate));
            byte[] next = NextPathSecret(suite, current);
            if (current != secret)
            {
                CryptographicOperations.ZeroMemory(current);
            }

            current = next;
            if (!nodePublic.AsSpan().SequenceEqual(path.Nodes[k].EncryptionKey))
            {
                Wipe(derived, secret, current);
                failure = $"the public key of node {filtered[k].Node} does not match its path secret";
                return false;
            }
        }

        foreach (uint node in TreeMath.DirectPath(2 * senderLeaf, merged.LeafCount))
        {
            keys.Remove(node);
        }

        foreach ((uint node, byte[] nodePrivate) in derived)
        {
            keys.Set(node, nodePrivate);
            CryptographicOperations.ZeroMemory(nodePrivate);
        }

        pathSecret = secret;
        commitSecret = current;
        failure = "";
        return true;
    }

    /// <summary>
    /// The lowest common ancestor of two leaves (RFC 9420 appendix C): the node whose path secret a Welcome gives a
    /// member added by <paramref name="committerLeaf"/>'s Commit (section 12.4.3.1).
    /// </summary>
    public static uint CommonAncestor(RatchetTree tree, uint committerLeaf, uint otherLeaf) =>
        TreeMath.DirectPath(2 * committerLeaf, tree.LeafCount).First(node => TreeMath.IsInSubtree(2 * otherLeaf, node));

    /// <summary>
    /// Section 12.4.3.1, a joiner's path secret: sets the keys of the common ancestor with the committer and of every
    /// node above it on the committer's filtered direct path, each derived private key matching the public key in
    /// <paramref name="tree"/>; the keys change only when all of them match.
    /// </summary>
    public static bool TryJoinWithPathSecret(CipherSuite suite, RatchetTree tree, uint committerLeaf, ReadOnlySpan<byte> pathSecret, TreeKemPrivateKeys keys, out string failure)
    {
        uint me = keys.LeafIndex;
        List<(uint Node, uint CopathChild)> filtered = me == committerLeaf || committerLeaf >= tree.LeafCount || me >= tree.LeafCount
            ? []
            : tree.FilteredDirectPath(committerLeaf);
        int step = filtered.FindIndex(p => TreeMath.IsInSubtree(2 * me, p.CopathChild));
        if (step < 0 || filtered[step].Node != CommonAncestor(tree, committerLeaf, me))
        {
            failure = "the path secret's node is not on the committer's path above this member";
            return false;
        }

        var derived = new List<(uint Node, byte[] PrivateKey)>();
        byte[] current = SecretArray.Copy(pathSecret);
        for (int k = step; k < filtered.Count; k++)
        {
            (byte[] nodePrivate, byte[] nodePublic) = NodeKeyPair(suite, current);
            derived.Add((filtered[k].Node, nodePrivate));
            byte[] next = NextPathSecret(suite, current);
            CryptographicOperations.ZeroMemory(current);
            current = next;
            if (tree.IsBlank(filtered[k].Node) || !nodePublic.AsSpan().SequenceEqual(tree.EncryptionKeyAt(filtered[k].Node)))
            {
                Wipe(derived, [], current);
                failure = $"the path secret does not give the public key of node {filtered[k].Node}";
                return false;
            }
        }

        CryptographicOperations.ZeroMemory(current);
        foreach ((uint node, byte[] nodePrivate) in derived)
        {
            keys.Set(node, nodePrivate);
            CryptographicOperations.ZeroMemory(nodePrivate);
        }

        failure = "";
        return true;
    }

    private static (byte[] PrivateKey, byte[] PublicKey) RandomKeyPair(CipherSuite suite, IRandomSource random)
    {
        byte[] leafSecret = SecretArray.Allocate(suite.HashLength);
        try
        {
            random.Fill(leafSecret);
            return NodeKeyPair(suite, leafSecret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(leafSecret);
        }
    }

    private static void Wipe(List<(uint Node, byte[] PrivateKey)> derived, byte[] secret, byte[] current)
    {
        foreach ((_, byte[] key) in derived)
        {
            CryptographicOperations.ZeroMemory(key);
        }

        CryptographicOperations.ZeroMemory(secret);
        CryptographicOperations.ZeroMemory(current);
    }
}
