using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Mls.Tree;

namespace SecureChat.Engine.Tests.Mls;

/// <summary>
/// A Commit's proposals applied to the tree in RFC 9420 section 12.3's order, and the lists the tree itself shows
/// to be invalid (section 12.2), which leave the caller's tree untouched.
/// </summary>
public sealed class TreeProposalsTests
{
    [Fact]
    public void Removes_apply_before_adds_whatever_the_list_order_so_an_add_takes_the_freed_leaf()
    {
        RatchetTree tree = RatchetTreeTests.TreeOf(4);
        TreeProposals.TryApply(tree, [(Add(10), 0), (Add(11), 0), (Remove(1), 0)], out RatchetTree? after, out List<uint> added, out _).ShouldBeTrue();
        added.ShouldBe([1u, 4u]);
        after!.LeafCount.ShouldBe(8u);
        after.GetLeaf(1)!.EncryptionKey.ShouldBe(RatchetTreeTests.Leaf(10).EncryptionKey);
        after.GetLeaf(4)!.EncryptionKey.ShouldBe(RatchetTreeTests.Leaf(11).EncryptionKey);
    }

    [Fact]
    public void Updates_apply_before_removes_and_blank_the_senders_direct_path()
    {
        RatchetTree tree = RatchetTreeTests.TreeOf(4);
        tree.SetParent(1, RatchetTreeTests.Parent(101));
        tree.SetParent(5, RatchetTreeTests.Parent(105));
        TreeProposals.TryApply(tree, [(Remove(3), 0), (new UpdateProposal(RatchetTreeTests.Leaf(20)), 0u)], out RatchetTree? after, out _, out _).ShouldBeTrue();
        after!.GetLeaf(0)!.EncryptionKey.ShouldBe(RatchetTreeTests.Leaf(20).EncryptionKey);
        after.GetParent(1).ShouldBeNull();
        after.GetParent(5).ShouldBeNull();
        after.GetLeaf(3).ShouldBeNull();
        tree.GetParent(1).ShouldNotBeNull();
    }

    [Fact]
    public void Lists_the_tree_shows_invalid_are_refused_and_leave_the_tree_as_it_was()
    {
        RatchetTree tree = RatchetTreeTests.TreeOf(4);
        tree.RemoveLeaf(2);
        byte[] before = RatchetTreeCodec.Encode(tree);

        Refused(tree, [(Remove(2), 0)]).ShouldBe("a Remove proposal for leaf 2, which is not a member");
        Refused(tree, [(Remove(9), 0)]).ShouldBe("a Remove proposal for leaf 9, which is not a member");
        Refused(tree, [(Add(7), 0), (Remove(1), 0), (Remove(1), 0)]).ShouldBe("leaf 1 is updated or removed more than once");
        Refused(tree, [(Remove(1), 0), (new UpdateProposal(RatchetTreeTests.Leaf(21)), 1u)]).ShouldBe("leaf 1 is updated or removed more than once");
        Refused(tree, [(new UpdateProposal(RatchetTreeTests.Leaf(22)), 2u)]).ShouldBe("an Update proposal from a sender that is not a member");
        Refused(tree, [(new UpdateProposal(RatchetTreeTests.Leaf(23)), null)]).ShouldBe("an Update proposal from a sender that is not a member");

        RatchetTreeCodec.Encode(tree).ShouldBe(before);
    }

    [Fact]
    public void A_leaf_whose_encryption_key_cannot_be_encrypted_to_is_refused_in_an_add_or_update()
    {
        RatchetTree tree = RatchetTreeTests.TreeOf(4);
        foreach (byte[] key in new[] { new byte[32], new byte[31], Enumerable.Repeat((byte)0xFF, 32).ToArray() })
        {
            LeafNode leaf = RatchetTreeTests.Leaf(30) with { EncryptionKey = key };
            if (key.Length == 32 && key[0] == 0xFF)
            {
                // All ones: X25519 masks the top bit, leaving 2^255 - 1, which is 18 mod p, an ordinary point: it must pass.
                TreeProposals.TryApply(tree, [(new UpdateProposal(leaf), 1u)], out _, out _, out string failure).ShouldBeTrue(failure);
                continue;
            }

            Refused(tree, [(new UpdateProposal(leaf), 1u)]).ShouldBe("the Update proposal of leaf 1 has an encryption key that is not a usable X25519 public key");
            Refused(tree, [(new AddProposal(new KeyPackage(ProtocolVersion.Mls10, 1, [1], leaf, [], [])), 0u)])
                .ShouldBe("an Add proposal's leaf has an encryption key that is not a usable X25519 public key");
        }
    }

    private static string Refused(RatchetTree tree, IReadOnlyList<(Proposal, uint?)> proposals)
    {
        TreeProposals.TryApply(tree, proposals, out RatchetTree? after, out _, out string failure).ShouldBeFalse();
        after.ShouldBeNull();
        return failure;
    }

    private static RemoveProposal Remove(uint leaf) => new(leaf);

    private static AddProposal Add(int id) =>
        new(new KeyPackage(ProtocolVersion.Mls10, 1, [(byte)id, 0x1E], RatchetTreeTests.Leaf(id), [], [0x51]));
}
