using SecureChat.Engine.Mls.Codec;
using SecureChat.Engine.Mls.Messages;

namespace SecureChat.Engine.Mls.Tree;

/// <summary>
/// The public ratchet tree of RFC 9420 sections 4 and 7: an array-based, always-full binary tree (appendix C)
/// whose even node indices are leaves (<see cref="LeafNode"/>) and odd ones parents (<see cref="ParentNode"/>),
/// either of which may be blank. Adding a leaf fills the leftmost blank leaf or doubles the tree (section 7.7);
/// removing one blanks its direct path and halves the tree while the right half is all blank. The wire form is the
/// ratchet_tree extension (section 12.4.3.3, <see cref="RatchetTreeCodec"/>); the hashes are in
/// <see cref="TreeHasher"/> and <see cref="ParentHasher"/>. Not thread-safe: callers change a <see cref="Clone"/>
/// and keep it only when every step succeeded.
/// </summary>
internal sealed class RatchetTree
{
    /// <summary>
    /// The most leaves a tree may hold (2^16): a peer's ratchet_tree or a run of Add proposals past it is refused,
    /// which bounds the hashing and HPKE work one message can cause.
    /// </summary>
    public const uint MaxLeafCount = 1u << 16;

    private readonly List<LeafNode?> _leaves;
    private readonly List<ParentNode?> _parents;

    /// <summary>A one-leaf tree holding <paramref name="creator"/> (a group's first member, section 11).</summary>
    public RatchetTree(LeafNode creator)
    {
        _leaves = [creator];
        _parents = [];
    }

    private RatchetTree(List<LeafNode?> leaves, List<ParentNode?> parents)
    {
        _leaves = leaves;
        _parents = parents;
    }

    /// <summary>The number of leaves, a power of two.</summary>
    public uint LeafCount => (uint)_leaves.Count;

    /// <summary>The number of nodes in the array, 2 * <see cref="LeafCount"/> - 1.</summary>
    public uint NodeCount => 2 * LeafCount - 1;

    public uint Root => TreeMath.Root(LeafCount);

    /// <summary>True when no leaf is blank and the tree may not grow past <see cref="MaxLeafCount"/>.</summary>
    public bool IsFull => LeafCount >= MaxLeafCount && !_leaves.Contains(null);

    /// <summary>
    /// A tree from its node array (index i holds node i; a leaf at an even index, a parent at an odd one). The array
    /// is padded with blank nodes up to the next full width. Used by the ratchet_tree decoder.
    /// </summary>
    internal static RatchetTree FromNodes(IReadOnlyList<object?> nodes)
    {
        uint leafCount = 1;
        while (2 * leafCount - 1 < nodes.Count)
        {
            leafCount *= 2;
        }

        var leaves = new List<LeafNode?>((int)leafCount);
        var parents = new List<ParentNode?>((int)leafCount - 1);
        for (int i = 0; i < 2 * leafCount - 1; i++)
        {
            object? node = i < nodes.Count ? nodes[i] : null;
            if (i % 2 == 0)
            {
                leaves.Add((LeafNode?)node);
            }
            else
            {
                parents.Add((ParentNode?)node);
            }
        }

        return new RatchetTree(leaves, parents);
    }

    /// <summary>A deep copy: parent nodes are copied (they change in place), leaf nodes are immutable and shared.</summary>
    public RatchetTree Clone() => new([.. _leaves], [.. _parents.Select(p => p?.Clone())]);

    public LeafNode? GetLeaf(uint leafIndex) => leafIndex < LeafCount ? _leaves[(int)leafIndex] : null;

    /// <summary>The parent node at the odd node index <paramref name="nodeIndex"/>, or null when blank.</summary>
    public ParentNode? GetParent(uint nodeIndex)
    {
        if (TreeMath.IsLeaf(nodeIndex) || nodeIndex >= NodeCount)
        {
            throw new ArgumentOutOfRangeException(nameof(nodeIndex), nodeIndex, "not a parent node index of this tree");
        }

        return _parents[(int)(nodeIndex / 2)];
    }

    public bool IsBlank(uint nodeIndex) => TreeMath.IsLeaf(nodeIndex)
        ? GetLeaf(nodeIndex / 2) is null
        : GetParent(nodeIndex) is null;

    /// <summary>The HPKE public key held at a non-blank node.</summary>
    public byte[] EncryptionKeyAt(uint nodeIndex) => TreeMath.IsLeaf(nodeIndex)
        ? (GetLeaf(nodeIndex / 2) ?? throw new InvalidOperationException($"node {nodeIndex} is blank")).EncryptionKey
        : (GetParent(nodeIndex) ?? throw new InvalidOperationException($"node {nodeIndex} is blank")).EncryptionKey;

    /// <summary>The leaf indices whose leaves are not blank, in increasing order.</summary>
    public IEnumerable<uint> OccupiedLeaves()
    {
        for (uint i = 0; i < LeafCount; i++)
        {
            if (_leaves[(int)i] is not null)
            {
                yield return i;
            }
        }
    }

    public void SetLeaf(uint leafIndex, LeafNode? leaf) => _leaves[(int)leafIndex] = leaf;

    public void SetParent(uint nodeIndex, ParentNode? parent)
    {
        _ = GetParent(nodeIndex);
        _parents[(int)(nodeIndex / 2)] = parent;
    }

    /// <summary>Blanks every parent node on the direct path of <paramref name="leafIndex"/>.</summary>
    public void BlankDirectPath(uint leafIndex)
    {
        foreach (uint node in TreeMath.DirectPath(2 * leafIndex, LeafCount))
        {
            _parents[(int)(node / 2)] = null;
        }
    }

    /// <summary>
    /// Section 12.1.1: places <paramref name="leaf"/> in the leftmost blank leaf, doubling the tree when there is
    /// none, and lists it as unmerged at every non-blank parent above it. Returns its leaf index.
    /// </summary>
    /// <exception cref="InvalidOperationException">The tree already holds <see cref="MaxLeafCount"/> leaves and none is blank.</exception>
    public uint AddLeaf(LeafNode leaf)
    {
        if (IsFull)
        {
            throw new InvalidOperationException($"a group holds at most {MaxLeafCount} leaves");
        }

        int blank = _leaves.IndexOf(null);
        if (blank < 0)
        {
            blank = _leaves.Count;
            Extend();
        }

        uint leafIndex = (uint)blank;
        foreach (uint node in TreeMath.DirectPath(2 * leafIndex, LeafCount))
        {
            if (_parents[(int)(node / 2)] is { } parent)
            {
                int at = parent.UnmergedLeaves.BinarySearch(leafIndex);
                if (at < 0)
                {
                    parent.UnmergedLeaves.Insert(~at, leafIndex);
                }
            }
        }

        _leaves[blank] = leaf;
        return leafIndex;
    }

    /// <summary>Section 12.1.2: replaces a member's leaf and blanks its direct path.</summary>
    public void UpdateLeaf(uint leafIndex, LeafNode leaf)
    {
        _leaves[(int)leafIndex] = leaf;
        BlankDirectPath(leafIndex);
    }

    /// <summary>Section 12.1.3: blanks a leaf and its direct path, then truncates while the right half is blank.</summary>
    public void RemoveLeaf(uint leafIndex)
    {
        _leaves[(int)leafIndex] = null;
        BlankDirectPath(leafIndex);
        Truncate();
    }

    /// <summary>
    /// Section 4.1: the non-blank nodes covering the subtree under <paramref name="nodeIndex"/>, left first; a
    /// non-blank parent contributes itself and then its unmerged leaves. Leaves in <paramref name="excludedLeaves"/>
    /// (members added by the Commit being made, section 12.4.2) are left out.
    /// </summary>
    public List<uint> Resolution(uint nodeIndex, IReadOnlySet<uint>? excludedLeaves = null)
    {
        var result = new List<uint>();
        AppendResolution(nodeIndex, excludedLeaves, result);
        return result;
    }

    /// <summary>
    /// Section 4.1: the direct path of a leaf without the nodes whose copath child has an empty resolution, each
    /// paired with that copath child, ordered from the leaf up to the root.
    /// </summary>
    public List<(uint Node, uint CopathChild)> FilteredDirectPath(uint leafIndex)
    {
        var result = new List<(uint, uint)>();
        uint child = 2 * leafIndex;
        foreach (uint node in TreeMath.DirectPath(child, LeafCount))
        {
            uint copath = TreeMath.Sibling(child, LeafCount);
            if (HasNonBlank(copath))
            {
                result.Add((node, copath));
            }

            child = node;
        }

        return result;
    }

    private void AppendResolution(uint nodeIndex, IReadOnlySet<uint>? excluded, List<uint> result)
    {
        if (TreeMath.IsLeaf(nodeIndex))
        {
            uint leaf = nodeIndex / 2;
            if (_leaves[(int)leaf] is not null && excluded?.Contains(leaf) != true)
            {
                result.Add(nodeIndex);
            }

            return;
        }

        if (_parents[(int)(nodeIndex / 2)] is { } parent)
        {
            result.Add(nodeIndex);
            foreach (uint leaf in parent.UnmergedLeaves)
            {
                if (excluded?.Contains(leaf) != true)
                {
                    result.Add(2 * leaf);
                }
            }

            return;
        }

        AppendResolution(TreeMath.Left(nodeIndex), excluded, result);
        AppendResolution(TreeMath.Right(nodeIndex), excluded, result);
    }

    /// <summary>Whether the subtree under <paramref name="nodeIndex"/> holds any non-blank node (a non-empty resolution).</summary>
    private bool HasNonBlank(uint nodeIndex)
    {
        (uint first, uint last) = TreeMath.Span(nodeIndex);
        for (uint i = first; i <= last; i++)
        {
            if (!IsBlank(i))
            {
                return true;
            }
        }

        return false;
    }

    private void Extend()
    {
        int count = _leaves.Count;
        for (int i = 0; i < count; i++)
        {
            _leaves.Add(null);
            _parents.Add(null);
        }
    }

    private void Truncate()
    {
        while (LeafCount > 1 && !HasNonBlank(TreeMath.Right(Root)))
        {
            int half = _leaves.Count / 2;
            _leaves.RemoveRange(half, half);
            _parents.RemoveRange(half - 1, half);
        }
    }
}
