using System.Security.Cryptography;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Mls.Schedule;
using SecureChat.Engine.Mls.Tree;

namespace SecureChat.Engine.Mls.Group;

/// <summary>
/// One member's view of one epoch of an MLS group (RFC 9420 sections 8, 11 and 12): the GroupContext (group id,
/// epoch, tree hash, confirmed transcript hash, extensions), the ratchet tree, the interim transcript hash the next
/// commit builds on, the epoch's secrets and secret tree, this member's leaf index, its signature key, and the HPKE
/// private keys it holds for its own leaf and the parent nodes above it; plus the resumption PSKs of the last
/// <see cref="ResumptionPsksMax"/> epochs (section 8.6), which later commits may name. A commit never changes a state
/// in place: processing one builds the next state from copies and this one stays valid until the caller disposes
/// it (RFC 9420 section 12.4.2's rule that a rejected commit leaves the group as it was). Not thread-safe.
/// </summary>
internal sealed class GroupState : IDisposable
{
    /// <summary>
    /// How many past epochs' resumption PSKs are kept (section 8.6 leaves the number to the application): enough for a
    /// commit that names a recent epoch, while an old epoch's secret does not live forever.
    /// </summary>
    public const int ResumptionPsksMax = 16;

    /// <summary>
    /// How many proposals one epoch remembers for commits to name by reference: each is a verified message, but the
    /// count is up to the other members, so it is bounded.
    /// </summary>
    public const int ProposalsMax = 1000;

    private readonly Dictionary<string, ReceivedProposal> _proposals = [];
    private readonly List<(byte[] Reference, ReceivedProposal Proposal)> _proposalOrder = [];
    private readonly Dictionary<uint, byte[]> _nodePrivateKeys;
    private readonly SortedList<ulong, byte[]> _resumptionPsks;

    internal GroupState(
        CipherSuite suite,
        GroupContext context,
        RatchetTree tree,
        byte[] interimTranscriptHash,
        EpochSecrets secrets,
        uint ownLeaf,
        byte[] signaturePrivateKey,
        Dictionary<uint, byte[]> nodePrivateKeys,
        SortedList<ulong, byte[]> pastResumptionPsks)
        : this(suite, context, tree, interimTranscriptHash, secrets, new SecretTree(suite, secrets.EncryptionSecret, tree.LeafCount), ownLeaf, signaturePrivateKey, nodePrivateKeys, pastResumptionPsks)
    {
    }

    /// <summary>A state whose secret tree has already been used (read back from storage).</summary>
    internal GroupState(
        CipherSuite suite,
        GroupContext context,
        RatchetTree tree,
        byte[] interimTranscriptHash,
        EpochSecrets secrets,
        SecretTree secretTree,
        uint ownLeaf,
        byte[] signaturePrivateKey,
        Dictionary<uint, byte[]> nodePrivateKeys,
        SortedList<ulong, byte[]> pastResumptionPsks)
    {
        Suite = suite;
        Context = context;
        EncodedContext = context.Encode();
        Tree = tree;
        InterimTranscriptHash = interimTranscriptHash;
        Secrets = secrets;
        SecretTree = secretTree;
        OwnLeaf = ownLeaf;
        SignaturePrivateKey = signaturePrivateKey;
        _nodePrivateKeys = nodePrivateKeys;
        _resumptionPsks = pastResumptionPsks;
        _resumptionPsks[context.Epoch] = secrets.ResumptionPsk.ToArray();
        while (_resumptionPsks.Count > ResumptionPsksMax)
        {
            CryptographicOperations.ZeroMemory(_resumptionPsks.Values[0]);
            _resumptionPsks.RemoveAt(0);
        }
    }

    public CipherSuite Suite { get; }

    public GroupContext Context { get; }

    /// <summary>The GroupContext as encoded on the wire: the key schedule's context and part of every signature.</summary>
    public byte[] EncodedContext { get; }

    public byte[] GroupId => Context.GroupId;

    public ulong Epoch => Context.Epoch;

    /// <summary>The ratchet tree of this epoch. Callers must not change it; a commit changes a clone.</summary>
    public RatchetTree Tree { get; }

    public byte[] InterimTranscriptHash { get; }

    public EpochSecrets Secrets { get; }

    /// <summary>The epoch's secret tree: it ratchets forward as messages are sent and read (section 9).</summary>
    public SecretTree SecretTree { get; }

    public uint OwnLeaf { get; }

    /// <summary>This member's Ed25519 signature key (the 32-byte seed).</summary>
    public byte[] SignaturePrivateKey { get; }

    /// <summary>epoch_authenticator (section 8.7): members compare it out of band to detect a split group.</summary>
    public byte[] EpochAuthenticator => Secrets.EpochAuthenticator;

    /// <summary>The node indices whose HPKE private key this member holds (its own leaf and parent nodes above it).</summary>
    public IReadOnlyCollection<uint> NodesWithPrivateKeys => _nodePrivateKeys.Keys;

    /// <summary>The HPKE private key of node <paramref name="nodeIndex"/>, or null when this member does not hold it.</summary>
    public byte[]? PrivateKeyOf(uint nodeIndex) => _nodePrivateKeys.GetValueOrDefault(nodeIndex);

    /// <summary>The resumption PSK of <paramref name="epoch"/> of this group, when it is recent enough to be kept.</summary>
    public byte[]? ResumptionPsk(ulong epoch) => _resumptionPsks.GetValueOrDefault(epoch);

    /// <summary>
    /// Remembers a verified proposal of this epoch under its ProposalRef (section 5.2); false when the epoch already
    /// holds <see cref="ProposalsMax"/> proposals. Sending the same proposal again changes nothing.
    /// </summary>
    internal bool RememberProposal(byte[] reference, ReceivedProposal proposal)
    {
        string key = Convert.ToHexString(reference);
        if (_proposals.ContainsKey(key))
        {
            return true;
        }

        if (_proposals.Count >= ProposalsMax)
        {
            return false;
        }

        _proposals[key] = proposal;
        _proposalOrder.Add((reference.ToArray(), proposal));
        return true;
    }

    /// <summary>The proposals of this epoch, in the order they arrived, with their ProposalRefs.</summary>
    internal IReadOnlyList<(byte[] Reference, ReceivedProposal Proposal)> ReceivedProposals => _proposalOrder;

    /// <summary>The proposal of this epoch whose ProposalRef is <paramref name="reference"/>, or null.</summary>
    internal ReceivedProposal? FindProposal(byte[] reference) => _proposals.GetValueOrDefault(Convert.ToHexString(reference));

    /// <summary>Copies of the kept resumption PSKs, for the next state to carry on.</summary>
    internal SortedList<ulong, byte[]> CopyResumptionPsks()
    {
        var copy = new SortedList<ulong, byte[]>();
        foreach ((ulong epoch, byte[] psk) in _resumptionPsks)
        {
            copy[epoch] = psk.ToArray();
        }

        return copy;
    }

    /// <summary>Copies of the held node private keys, for the next state to change.</summary>
    internal Dictionary<uint, byte[]> CopyNodePrivateKeys() =>
        _nodePrivateKeys.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray());

    /// <summary>Wipes every secret this state holds: epoch secrets, secret tree, private keys, resumption PSKs.</summary>
    public void Dispose()
    {
        Secrets.Dispose();
        SecretTree.Dispose();
        CryptographicOperations.ZeroMemory(SignaturePrivateKey);
        foreach (byte[] key in _nodePrivateKeys.Values)
        {
            CryptographicOperations.ZeroMemory(key);
        }

        foreach (byte[] psk in _resumptionPsks.Values)
        {
            CryptographicOperations.ZeroMemory(psk);
        }

        _nodePrivateKeys.Clear();
        _resumptionPsks.Clear();
    }
}
