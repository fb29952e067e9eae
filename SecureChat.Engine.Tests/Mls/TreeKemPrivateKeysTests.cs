using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Tree;

namespace SecureChat.Engine.Tests.Mls;

/// <summary>A member's private TreeKEM keys: wiped when replaced, removed, forgotten or disposed (RFC 9420 section 7.5).</summary>
public sealed class TreeKemPrivateKeysTests
{
    private static readonly CipherSuite s_suite = CipherSuite.Suite1;

    [Fact]
    public void A_replaced_removed_or_disposed_key_is_wiped_in_place()
    {
        var keys = new TreeKemPrivateKeys(1, Key(1));
        keys.Set(3, Key(3));
        keys.TryGet(3, out byte[] first).ShouldBeTrue();
        keys.Set(3, Key(4));
        first.ShouldAllBe(b => b == 0);
        keys.TryGet(3, out byte[] second).ShouldBeTrue();
        second.ShouldBe(Key(4));

        keys.Remove(3);
        second.ShouldAllBe(b => b == 0);
        keys.TryGet(3, out _).ShouldBeFalse();

        keys.TryGet(2, out byte[] leaf).ShouldBeTrue();
        keys.Dispose();
        leaf.ShouldAllBe(b => b == 0);
        keys.Nodes.ShouldBeEmpty();
    }

    [Fact]
    public void Keys_of_nodes_blanked_by_removes_are_forgotten_and_the_leaf_key_kept()
    {
        using TreeKemGroup group = TreeKemGroup.Create(8);
        TreeKemPrivateKeys keys = group.Keys[1];
        keys.Nodes.ShouldBe([1u, 2u, 3u, 7u]);
        keys.TryGet(7, out byte[] root).ShouldBeTrue();
        group.Remove(6);
        group.Remove(7);
        keys.Nodes.ShouldBe([1u, 2u, 3u]);
        root.ShouldAllBe(b => b == 0);
        group.Remove(4);
        group.Remove(5);
        group.Tree.LeafCount.ShouldBe(4u);
        keys.Nodes.ShouldBe([1u, 2u, 3u]);
        group.Remove(0);
        keys.Nodes.ShouldBe([2u]);
        keys.ConsistentWith(group.Suite, group.Tree).ShouldBeTrue();
    }

    [Fact]
    public void A_key_that_does_not_match_its_node_or_sits_beside_the_leaf_is_inconsistent()
    {
        using TreeKemGroup group = TreeKemGroup.Create(4);
        using TreeKemPrivateKeys wrongKey = group.Keys[0].Clone();
        wrongKey.Set(1, Key(9));
        wrongKey.ConsistentWith(s_suite, group.Tree).ShouldBeFalse();

        using TreeKemPrivateKeys notAbove = group.Keys[0].Clone();
        group.Keys[2].TryGet(5, out byte[] other).ShouldBeTrue();
        notAbove.Set(5, other);
        notAbove.ConsistentWith(s_suite, group.Tree).ShouldBeFalse();

        group.Keys[0].ConsistentWith(s_suite, group.Tree).ShouldBeTrue();
    }

    private static byte[] Key(byte seed) => s_suite.DeriveKeyPair([seed]).PrivateKey;
}
