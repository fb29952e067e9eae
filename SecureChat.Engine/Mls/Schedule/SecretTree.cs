using System.Security.Cryptography;

namespace SecureChat.Engine.Mls.Schedule;

/// <summary>
/// The secret tree of one epoch (RFC 9420 section 9): the root is the epoch's encryption_secret, a left child's secret is
/// ExpandWithLabel(parent, "tree", "left", Nh) and a right child's ExpandWithLabel(parent, "tree", "right", Nh); a leaf's
/// secret seeds its handshake and application ratchets (ExpandWithLabel(leaf, "handshake" / "application", "", Nh)).
/// Secrets are derived on demand, and each one is wiped once both of its children exist (section 9.2), so the tree
/// ends up holding only what has not yet been used. Not thread-safe.
/// </summary>
internal sealed class SecretTree : IDisposable
{
    /// <summary>How far ahead of a ratchet a receiver will derive to reach a claimed generation (section 9.2's out-of-order guidance).</summary>
    public const uint ForwardGenerationsMax = 1000;

    /// <summary>How many keys of skipped generations a ratchet keeps for messages arriving out of order.</summary>
    public const int SkippedKeysMax = 1000;

    private readonly CipherSuite _suite;
    private readonly Dictionary<uint, byte[]> _nodeSecrets = [];
    private readonly Dictionary<uint, (HashRatchet Handshake, HashRatchet Application)> _ratchets = [];

    public SecretTree(CipherSuite suite, ReadOnlySpan<byte> encryptionSecret, uint leafCount)
    {
        _suite = suite;
        LeafCount = leafCount;
        _nodeSecrets[TreeMath.Root(leafCount)] = encryptionSecret.ToArray();
    }

    private SecretTree(CipherSuite suite, uint leafCount)
    {
        _suite = suite;
        LeafCount = leafCount;
    }

    public uint LeafCount { get; }

    /// <summary>Writes what the tree still holds, for storage: the node secrets not yet split and each leaf's ratchets.</summary>
    internal void Write(Codec.MlsWriter w)
    {
        w.U32(LeafCount);
        w.Vector([.. _nodeSecrets.OrderBy(pair => pair.Key)], static (w, pair) =>
        {
            w.U32(pair.Key);
            w.Opaque(pair.Value);
        });
        w.Vector([.. _ratchets.OrderBy(pair => pair.Key)], static (w, pair) =>
        {
            w.U32(pair.Key);
            pair.Value.Handshake.Write(w);
            pair.Value.Application.Write(w);
        });
    }

    /// <summary>Reads what <see cref="Write"/> wrote, for a tree of <paramref name="leafCount"/> leaves.</summary>
    internal static SecretTree Read(CipherSuite suite, uint leafCount, ref Codec.MlsReader r)
    {
        if (r.U32() != leafCount)
        {
            throw new Codec.MlsFormatException("the stored secret tree does not fit the ratchet tree");
        }

        var tree = new SecretTree(suite, leafCount);
        Codec.MlsReader nodes = r.Vector();
        while (!nodes.End)
        {
            uint node = nodes.U32();
            byte[] secret = nodes.OpaqueArray();
            if (node >= 2 * leafCount - 1 || secret.Length != suite.HashLength || !tree._nodeSecrets.TryAdd(node, secret))
            {
                throw new Codec.MlsFormatException($"a stored secret tree node {node} is out of place");
            }
        }

        Codec.MlsReader leaves = r.Vector();
        while (!leaves.End)
        {
            uint leaf = leaves.U32();
            HashRatchet handshake = HashRatchet.Read(suite, ref leaves);
            HashRatchet application = HashRatchet.Read(suite, ref leaves);
            if (leaf >= leafCount || !tree._ratchets.TryAdd(leaf, (handshake, application)))
            {
                throw new Codec.MlsFormatException($"a stored ratchet of leaf {leaf} is out of place");
            }
        }

        return tree;
    }

    /// <summary>How many tree-node secrets are still held (not yet split into both children or into ratchets).</summary>
    internal int HeldNodeSecretCount => _nodeSecrets.Count;

    /// <summary>The next key of <paramref name="leaf"/>'s ratchet, for sending as that leaf.</summary>
    public RatchetKey NextKey(uint leaf, RatchetKind kind) => Ratchet(leaf, kind).Next();

    /// <summary>
    /// The key of <paramref name="generation"/> of <paramref name="leaf"/>'s ratchet, for opening a message from that
    /// leaf: false for a leaf outside the tree, a generation already used or dropped, or one too far ahead.
    /// </summary>
    public bool TryGetKey(uint leaf, RatchetKind kind, uint generation, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out RatchetKey? key)
    {
        key = null;
        return leaf < LeafCount && Ratchet(leaf, kind).TryGet(generation, out key);
    }

    public void Dispose()
    {
        foreach (byte[] secret in _nodeSecrets.Values)
        {
            CryptographicOperations.ZeroMemory(secret);
        }

        _nodeSecrets.Clear();
        foreach ((HashRatchet handshake, HashRatchet application) in _ratchets.Values)
        {
            handshake.Dispose();
            application.Dispose();
        }

        _ratchets.Clear();
    }

    private HashRatchet Ratchet(uint leaf, RatchetKind kind)
    {
        if (leaf >= LeafCount)
        {
            throw new ArgumentOutOfRangeException(nameof(leaf), leaf, $"the secret tree has {LeafCount} leaves");
        }

        if (!_ratchets.TryGetValue(leaf, out (HashRatchet Handshake, HashRatchet Application) pair))
        {
            byte[] leafSecret = TakeLeafSecret(leaf);
            try
            {
                pair = (new HashRatchet(_suite, _suite.ExpandWithLabel(leafSecret, "handshake", [], _suite.HashLength)),
                        new HashRatchet(_suite, _suite.ExpandWithLabel(leafSecret, "application", [], _suite.HashLength)));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(leafSecret);
            }

            _ratchets[leaf] = pair;
        }

        return kind == RatchetKind.Handshake ? pair.Handshake : pair.Application;
    }

    /// <summary>Derives down from the lowest ancestor still held to the leaf, wiping each parent once both children exist.</summary>
    private byte[] TakeLeafSecret(uint leaf)
    {
        uint target = TreeMath.LeafToNode(leaf);
        List<uint> path = [target, .. TreeMath.DirectPath(target, LeafCount)];
        int held = path.FindIndex(_nodeSecrets.ContainsKey);
        if (held < 0)
        {
            throw new InvalidOperationException($"the secret of leaf {leaf} was already consumed");
        }

        for (int i = held; i > 0; i--)
        {
            uint parent = path[i];
            _nodeSecrets.Remove(parent, out byte[]? secret);
            try
            {
                _nodeSecrets[TreeMath.Left(parent)] = _suite.ExpandWithLabel(secret!, "tree", "left"u8, _suite.HashLength);
                _nodeSecrets[TreeMath.Right(parent)] = _suite.ExpandWithLabel(secret!, "tree", "right"u8, _suite.HashLength);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(secret);
            }
        }

        _nodeSecrets.Remove(target, out byte[]? leafSecret);
        return leafSecret!;
    }
}
