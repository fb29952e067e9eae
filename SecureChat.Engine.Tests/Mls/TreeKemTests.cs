using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Mls.Tree;

namespace SecureChat.Engine.Tests.Mls;

/// <summary>
/// TreeKEM (RFC 9420 sections 7.4-7.6, 12.4.3.1) across real commits, and what a receiver refuses from a malicious
/// committer or relay: its private keys stay as they were whenever a path is refused.
/// </summary>
public sealed class TreeKemTests
{
    [Fact]
    public void Members_committing_in_turn_through_adds_and_removes_reach_one_commit_secret_and_a_valid_tree_every_epoch()
    {
        using TreeKemGroup group = TreeKemGroup.Create(7);
        group.Remove(2);
        group.Remove(5);
        byte[] first = group.Commit(6);
        group.Add().ShouldBe(2u);
        byte[] second = group.Commit(3);
        second.ShouldNotBe(first);

        TreeValidator.TryValidate(group.Suite, group.Tree, group.GroupId, TreeHasher.RootHash(group.Suite, group.Tree), out string failure).ShouldBeTrue(failure);
        foreach ((uint member, TreeKemPrivateKeys keys) in group.Keys)
        {
            keys.ConsistentWith(group.Suite, group.Tree).ShouldBeTrue($"member {member}");
        }

        group.Keys[0].Nodes.ShouldBe([0u, 1u, 3u, 7u]);
        group.Keys[2].Nodes.ShouldBe([3u, 4u, 5u, 7u]);
    }

    [Fact]
    public void A_member_added_by_the_commit_gets_no_ciphertext_and_joins_with_the_common_ancestors_path_secret()
    {
        using TreeKemGroup group = TreeKemGroup.Create(5);
        uint joiner = group.Add();
        joiner.ShouldBe(5u);
        RatchetTree next = group.Tree.Clone();
        var newMembers = new HashSet<uint> { joiner };
        using TreeKemEncapResult result = TreeKem.Encap(group.Suite, next, 0, group.GroupId, group.SignatureKeys[0], group.Context, newMembers);

        // Node 7 (the root) has copath child 11, whose resolution is [8, 10]: the joiner's leaf 10 is left out.
        next.Resolution(11).ShouldBe([8u, 10u]);
        result.Path.Nodes[^1].EncryptedPathSecret.Count.ShouldBe(1);

        TreeKemPrivateKeys joinerKeys = group.Keys[joiner];
        TreeKem.TryDecryptPath(group.Suite, next, 0, result.Path, newMembers, group.Context(TreeHasher.RootHash(group.Suite, next)), joinerKeys, out _, out _, out string failure).ShouldBeFalse();
        failure.ShouldBe("no path secret of this update path is meant for this member");

        uint ancestor = TreeKem.CommonAncestor(next, 0, joiner);
        ancestor.ShouldBe(7u);
        TreeKem.TryJoinWithPathSecret(group.Suite, next, 0, result.PathSecrets[ancestor], joinerKeys, out failure).ShouldBeTrue(failure);
        joinerKeys.Nodes.ShouldBe([7u, 10u], ignoreOrder: true);
        joinerKeys.ConsistentWith(group.Suite, next).ShouldBeTrue();

        TreeKem.TryJoinWithPathSecret(group.Suite, next, 0, result.PathSecrets[3], group.Keys[4], out failure).ShouldBeFalse();
        failure.ShouldBe("the path secret does not give the public key of node 7");
    }

    [Fact]
    public void A_path_whose_public_key_does_not_follow_from_its_path_secret_is_refused_and_the_keys_stay()
    {
        using TreeKemGroup group = TreeKemGroup.Create(8);
        (UpdatePath forged, RatchetTree tree) = TreeKemForgery.WithPlantedKey(group, committer: 0, nodeIndex: 3);

        foreach (uint member in new uint[] { 1, 2, 3, 4 })
        {
            TreeKemPrivateKeys keys = group.Keys[member];
            uint[] before = [.. keys.Nodes];
            TreeKem.TryMergePath(group.Suite, group.Tree, 0, forged, group.GroupId, null, out RatchetTree? merged, out string failure).ShouldBeTrue(failure);
            RatchetTreeCodec.Encode(merged!).ShouldBe(RatchetTreeCodec.Encode(tree));
            bool opened = TreeKem.TryDecryptPath(group.Suite, merged!, 0, forged, null, group.Context(TreeHasher.RootHash(group.Suite, merged!)), keys, out _, out _, out failure);
            if (member == 4)
            {
                opened.ShouldBeTrue($"member 4 decrypts at the root, above the planted key: {failure}");
                continue;
            }

            opened.ShouldBeFalse();
            failure.ShouldBe("the public key of node 3 does not match its path secret");
            keys.Nodes.ShouldBe(before);
            keys.ConsistentWith(group.Suite, group.Tree).ShouldBeTrue();
        }
    }

    [Fact]
    public void A_low_order_key_planted_in_a_path_is_refused_before_it_can_break_a_later_commit()
    {
        using TreeKemGroup group = TreeKemGroup.Create(8);
        byte[] lowOrder = new byte[32];
        lowOrder[0] = 1;
        (UpdatePath forged, _) = TreeKemForgery.WithPlantedKey(group, committer: 0, nodeIndex: 3, lowOrder);

        // Member 4 decrypts at the root, above the planted node, so only the key check can stop it.
        TreeKem.TryMergePath(group.Suite, group.Tree, 0, forged, group.GroupId, null, out RatchetTree? merged, out string failure).ShouldBeFalse();
        failure.ShouldBe("node 3 of the update path has an encryption key that is not a usable X25519 public key");
        merged.ShouldBeNull();
    }

    [Fact]
    public void An_altered_ciphertext_is_refused_for_the_member_it_was_for_only()
    {
        using TreeKemGroup group = TreeKemGroup.Create(4);
        RatchetTree next = group.Tree.Clone();
        using TreeKemEncapResult result = TreeKem.Encap(group.Suite, next, 0, group.GroupId, group.SignatureKeys[0], group.Context);
        UpdatePathNode root = result.Path.Nodes[^1];
        byte[] ciphertext = [.. root.EncryptedPathSecret[0].Ciphertext];
        ciphertext[3] ^= 0x40;
        UpdatePath altered = result.Path with { Nodes = [result.Path.Nodes[0], root with { EncryptedPathSecret = [root.EncryptedPathSecret[0] with { Ciphertext = ciphertext }] }] };

        TreeKem.TryMergePath(group.Suite, group.Tree, 0, altered, group.GroupId, null, out RatchetTree? merged, out string failure).ShouldBeTrue(failure);
        byte[] context = group.Context(TreeHasher.RootHash(group.Suite, merged!));
        TreeKem.TryDecryptPath(group.Suite, merged!, 0, altered, null, context, group.Keys[1], out _, out _, out failure).ShouldBeTrue(failure);
        uint[] before = [.. group.Keys[2].Nodes];
        TreeKem.TryDecryptPath(group.Suite, merged!, 0, altered, null, context, group.Keys[2], out _, out _, out failure).ShouldBeFalse();
        failure.ShouldBe("the path secret did not decrypt");
        group.Keys[2].Nodes.ShouldBe(before);
        TreeKem.TryDecryptPath(group.Suite, merged!, 0, result.Path, null, [.. context, 0], group.Keys[2], out _, out _, out failure).ShouldBeFalse();
        failure.ShouldBe("the path secret did not decrypt");
    }

    [Fact]
    public void Merging_refuses_paths_of_the_wrong_shape_parent_hash_signature_or_source()
    {
        using TreeKemGroup group = TreeKemGroup.Create(4);
        RatchetTree next = group.Tree.Clone();
        using TreeKemEncapResult result = TreeKem.Encap(group.Suite, next, 1, group.GroupId, group.SignatureKeys[1], group.Context);
        UpdatePath path = result.Path;
        LeafNode leaf = path.LeafNode;
        byte[] signature = [.. leaf.Signature];
        signature[0] ^= 1;

        Merge(group, path with { Nodes = [path.Nodes[0]] }).ShouldBe("the update path has 1 nodes where the committer's filtered direct path has 2");
        Merge(group, path with { Nodes = [path.Nodes[0] with { EncryptedPathSecret = [.. path.Nodes[0].EncryptedPathSecret, path.Nodes[0].EncryptedPathSecret[0]] }, path.Nodes[1]] })
            .ShouldBe("node 1 of the update path has 2 ciphertexts for 1 recipients");
        Merge(group, path with { Nodes = [path.Nodes[0], path.Nodes[1] with { EncryptionKey = path.Nodes[1].EncryptionKey[1..] }] })
            .ShouldBe("node 3 of the update path has an encryption key that is not a usable X25519 public key");
        Merge(group, path with { Nodes = [path.Nodes[0], path.Nodes[1] with { EncryptionKey = group.Tree.EncryptionKeyAt(0) }] })
            .ShouldBe("the committer's leaf does not carry the parent hash of its path");
        Merge(group, path with { LeafNode = leaf with { Signature = signature } }).ShouldBe("the signature of the committer's new leaf does not verify");
        Merge(group, path, groupId: [.. group.GroupId, 1]).ShouldBe("the signature of the committer's new leaf does not verify");
        Merge(group, path, sender: 2).ShouldBe("the committer's leaf does not carry the parent hash of its path");
        Merge(group, path with { LeafNode = TreeKemForgery.Resigned(group, 1, leaf, leaf.EncryptionKey, LeafNodeSource.Update, null) })
            .ShouldBe("the committer's new leaf is not a fresh leaf from a commit");
        Merge(group, path with { LeafNode = TreeKemForgery.Resigned(group, 1, leaf, group.Tree.GetLeaf(1)!.EncryptionKey, LeafNodeSource.Commit, leaf.ParentHash) })
            .ShouldBe("the committer's new leaf is not a fresh leaf from a commit");

        group.Remove(3);
        Merge(group, path, sender: 3).ShouldBe("the committer's leaf is blank");
    }

    [Fact]
    public void An_update_path_altered_at_any_byte_is_refused_or_leaves_every_member_with_the_committers_secret()
    {
        using TreeKemGroup group = TreeKemGroup.Create(5);
        RatchetTree next = group.Tree.Clone();
        using TreeKemEncapResult result = TreeKem.Encap(group.Suite, next, 2, group.GroupId, group.SignatureKeys[2], group.Context);
        byte[] encoded = result.Path.Encode();
        int malformed = 0, refusedMerge = 0, refusedDecrypt = 0, harmless = 0;
        for (int at = 0; at < encoded.Length; at++)
        {
            // One flipped bit per byte, its position rotating so every bit position is hit across the encoding.
            int bit = 8 * at + at % 8;
            byte[] altered = [.. encoded];
            altered[at] ^= (byte)(1 << (at % 8));
            UpdatePath path;
            try
            {
                path = UpdatePath.Decode(altered);
            }
            catch (SecureChat.Engine.Mls.Codec.MlsFormatException)
            {
                malformed++;
                continue;
            }

            if (!TreeKem.TryMergePath(group.Suite, group.Tree, 2, path, group.GroupId, null, out RatchetTree? merged, out _))
            {
                refusedMerge++;
                continue;
            }

            byte[] context = group.Context(TreeHasher.RootHash(group.Suite, merged!));
            foreach (uint member in new uint[] { 0, 1, 3, 4 })
            {
                using TreeKemPrivateKeys keys = group.Keys[member].Clone();
                if (TreeKem.TryDecryptPath(group.Suite, merged!, 2, path, null, context, keys, out _, out byte[] commitSecret, out _))
                {
                    commitSecret.ShouldBe(result.CommitSecret, $"bit {bit}, member {member}");
                    harmless++;
                }
                else
                {
                    refusedDecrypt++;
                    keys.ConsistentWith(group.Suite, group.Tree).ShouldBeTrue($"bit {bit}, member {member}");
                }
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{encoded.Length} one-bit alterations (one per byte) of a {encoded.Length}-byte UpdatePath: {malformed} malformed, {refusedMerge} refused on merge, "
            + $"{refusedDecrypt} member decryptions refused, {harmless} member decryptions reaching the committer's secret (a ciphertext for someone else altered)");
        (malformed + refusedMerge).ShouldBeGreaterThan(0);
        refusedDecrypt.ShouldBeGreaterThan(0);
    }

    [Fact]
    public void A_committer_cannot_sign_its_new_leaf_with_a_key_that_is_not_its_own()
    {
        using TreeKemGroup group = TreeKemGroup.Create(2);
        Should.Throw<ArgumentException>(() => TreeKem.Encap(group.Suite, group.Tree.Clone(), 0, group.GroupId, group.SignatureKeys[1], group.Context));
    }

    private static string Merge(TreeKemGroup group, UpdatePath path, uint sender = 1, byte[]? groupId = null)
    {
        TreeKem.TryMergePath(group.Suite, group.Tree, sender, path, groupId ?? group.GroupId, null, out RatchetTree? merged, out string failure).ShouldBeFalse();
        merged.ShouldBeNull();
        return failure;
    }
}
