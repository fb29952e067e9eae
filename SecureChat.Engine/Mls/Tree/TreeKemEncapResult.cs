using System.Security.Cryptography;
using SecureChat.Engine.Mls.Messages;

namespace SecureChat.Engine.Mls.Tree;

/// <summary>
/// What a committer's TreeKEM encapsulation (RFC 9420 section 7.5) yields: the UpdatePath to send, the commit
/// secret for the key schedule (section 8), the committer's new private keys, and the path secret of each node on
/// its filtered direct path (a Welcome gives a new member the one at its common ancestor with the committer,
/// section 12.4.3.1). Owns its secrets: <see cref="Dispose"/> wipes them (the private keys included, unless taken
/// with <see cref="TakeKeys"/>). Not thread-safe.
/// </summary>
internal sealed class TreeKemEncapResult(UpdatePath path, byte[] commitSecret, TreeKemPrivateKeys keys, Dictionary<uint, byte[]> pathSecrets) : IDisposable
{
    private TreeKemPrivateKeys? _keys = keys;

    public UpdatePath Path { get; } = path;

    public byte[] CommitSecret { get; } = commitSecret;

    /// <summary>The path secret of a node on the committer's filtered direct path, by node index.</summary>
    public IReadOnlyDictionary<uint, byte[]> PathSecrets { get; } = pathSecrets;

    /// <summary>The committer's new private keys; the caller owns (and disposes) them from then on.</summary>
    public TreeKemPrivateKeys TakeKeys()
    {
        TreeKemPrivateKeys keys = _keys ?? throw new InvalidOperationException("the private keys were already taken");
        _keys = null;
        return keys;
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(CommitSecret);
        foreach (byte[] secret in PathSecrets.Values)
        {
            CryptographicOperations.ZeroMemory(secret);
        }

        _keys?.Dispose();
        _keys = null;
    }
}
