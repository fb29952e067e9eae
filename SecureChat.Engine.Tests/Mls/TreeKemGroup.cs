using System.Security.Cryptography;
using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Mls.Tree;

namespace SecureChat.Engine.Tests.Mls;

/// <summary>
/// A group's public tree and every member's private TreeKEM state, driven through real commits: each commit is an
/// <see cref="TreeKem.Encap"/> by one member, merged and decrypted by every other, who must all reach the
/// committer's commit secret.
/// </summary>
internal sealed class TreeKemGroup : IDisposable
{
    private TreeKemGroup(LeafNode creator, byte[] creatorEncryptionKey, byte[] creatorSignatureKey)
    {
        Tree = new RatchetTree(creator);
        Keys[0] = new TreeKemPrivateKeys(0, creatorEncryptionKey);
        SignatureKeys[0] = creatorSignatureKey;
    }

    public CipherSuite Suite { get; } = CipherSuite.Suite1;

    public byte[] GroupId { get; } = RandomNumberGenerator.GetBytes(16);

    public ulong Epoch { get; private set; }

    public RatchetTree Tree { get; private set; }

    public Dictionary<uint, TreeKemPrivateKeys> Keys { get; } = [];

    public Dictionary<uint, byte[]> SignatureKeys { get; } = [];

    /// <summary>A group of <paramref name="members"/> added by the creator, then committing in turn, as get_tree(n) of the published vectors.</summary>
    public static TreeKemGroup Create(int members)
    {
        LeafNode creator = NewLeaf(out byte[] encryptionKey, out byte[] signatureKey);
        var group = new TreeKemGroup(creator, encryptionKey, signatureKey);
        for (uint i = 1; i < members; i++)
        {
            group.Add();
        }

        for (uint i = 0; i < members; i++)
        {
            group.Commit(i);
        }

        return group;
    }

    public byte[] Context(byte[] treeHash) =>
        new GroupContext(ProtocolVersion.Mls10, 1, GroupId, Epoch + 1, treeHash, new byte[32], []).Encode();

    /// <summary>Adds a new member without a path (its private state: only its leaf key); returns its leaf index.</summary>
    public uint Add()
    {
        LeafNode leaf = NewLeaf(out byte[] encryptionKey, out byte[] signatureKey);
        uint index = Tree.AddLeaf(leaf);
        Keys[index] = new TreeKemPrivateKeys(index, encryptionKey);
        SignatureKeys[index] = signatureKey;
        return index;
    }

    public void Remove(uint leaf)
    {
        Tree.RemoveLeaf(leaf);
        Keys.Remove(leaf, out TreeKemPrivateKeys? keys);
        keys?.Dispose();
        SignatureKeys.Remove(leaf);
        foreach (TreeKemPrivateKeys other in Keys.Values)
        {
            other.ForgetBlankNodes(Tree);
        }
    }

    /// <summary>
    /// <paramref name="committer"/> commits with a path; every other member (but <paramref name="newMembers"/>) merges
    /// and decrypts it and must reach the same commit secret, which is returned.
    /// </summary>
    public byte[] Commit(uint committer, IReadOnlySet<uint>? newMembers = null)
    {
        RatchetTree next = Tree.Clone();
        using TreeKemEncapResult result = TreeKem.Encap(Suite, next, committer, GroupId, SignatureKeys[committer], Context, newMembers);
        foreach ((uint member, TreeKemPrivateKeys keys) in Keys)
        {
            if (member == committer || newMembers?.Contains(member) == true)
            {
                continue;
            }

            TreeKem.TryMergePath(Suite, Tree, committer, result.Path, GroupId, newMembers, out RatchetTree? merged, out string failure).ShouldBeTrue(failure);
            RatchetTreeCodec.Encode(merged!).ShouldBe(RatchetTreeCodec.Encode(next));
            TreeKem.TryDecryptPath(Suite, merged!, committer, result.Path, newMembers, Context(TreeHasher.RootHash(Suite, merged!)), keys, out byte[] pathSecret, out byte[] commitSecret, out failure)
                .ShouldBeTrue($"member {member}: {failure}");
            commitSecret.ShouldBe(result.CommitSecret, $"member {member}");
            pathSecret.ShouldBe(result.PathSecrets[TreeKem.CommonAncestor(next, committer, member)], $"member {member}");
        }

        Keys[committer].Dispose();
        Keys[committer] = result.TakeKeys();
        Tree = next;
        Epoch++;
        return [.. result.CommitSecret];
    }

    /// <summary>A key-package leaf with fresh keys, signed over its LeafNodeTBS.</summary>
    public static LeafNode NewLeaf(out byte[] encryptionKey, out byte[] signatureKey)
    {
        CipherSuite suite = CipherSuite.Suite1;
        (encryptionKey, byte[] encryptionPublic) = suite.DeriveKeyPair(RandomNumberGenerator.GetBytes(32));
        (signatureKey, byte[] signaturePublic) = suite.GenerateSignatureKeyPair();
        var leaf = new LeafNode(
            encryptionPublic,
            signaturePublic,
            Credential.Basic(RandomNumberGenerator.GetBytes(8)),
            new Capabilities([1], [1], [], [], [1]),
            LeafNodeSource.KeyPackage,
            new Lifetime(0, ulong.MaxValue),
            null,
            [],
            []);
        return leaf with { Signature = suite.SignWithLabel(signatureKey, LeafNode.SignatureLabel, leaf.EncodeTbs(null, 0)) };
    }

    public void Dispose()
    {
        foreach (TreeKemPrivateKeys keys in Keys.Values)
        {
            keys.Dispose();
        }
    }
}
