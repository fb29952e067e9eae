using System.Security.Cryptography;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Mls.Framing;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Mls.Schedule;
using SecureChat.Engine.Mls.Tree;

namespace SecureChat.Engine.Mls.Group;

/// <summary>
/// A member creating a commit (RFC 9420 section 12.4.1) with its proposals inline: they are validated and applied
/// like a received commit's (section 12.2), then the committer always refreshes its path (an UpdatePath, which gives
/// post-compromise security even for a commit that only adds), signs the FramedContent with this epoch's
/// GroupContext, derives the next epoch, adds the confirmation tag and the membership tag, and for added members
/// builds the Welcome: a signed GroupInfo with the ratchet_tree extension sealed under the welcome key, and per
/// member the joiner secret and the path secret of its common ancestor with the committer, sealed to its init key.
/// Every random draw (the new leaf key, the path secret, the HPKE ephemeral keys, a PrivateMessage's reuse guard)
/// comes from the caller's random source, the system's CSPRNG unless given. The result is a
/// <see cref="PendingCommit"/>; this state is not changed. Stateless and thread-safe.
/// </summary>
internal static class CommitBuilder
{
    public static bool TryAddMembers(GroupState state, IReadOnlyList<KeyPackage> keyPackages, ulong nowUnixSeconds, out PendingCommit? pending, out string failure, IRandomSource? random = null) =>
        TryCreate(state, [.. keyPackages.Select(kp => (Proposal)new AddProposal(kp))], nowUnixSeconds, out pending, out failure, random: random);

    public static bool TryRemoveMembers(GroupState state, IReadOnlyList<uint> leaves, out PendingCommit? pending, out string failure, IRandomSource? random = null) =>
        TryCreate(state, [.. leaves.Select(leaf => (Proposal)new RemoveProposal(leaf))], null, out pending, out failure, random: random);

    /// <summary>An empty commit with a path: new keys for this member's leaf and every node above it.</summary>
    public static PendingCommit SelfUpdate(GroupState state, WireFormat wireFormat = WireFormat.PublicMessage, IRandomSource? random = null) =>
        TryCreate(state, [], null, out PendingCommit? pending, out string failure, wireFormat, random)
            ? pending!
            : throw new InvalidOperationException($"a self update failed: {failure}");

    /// <summary>
    /// A commit of <paramref name="proposals"/>, sent as <paramref name="wireFormat"/>: a PublicMessage (readable by
    /// the delivery service) or a PrivateMessage under this member's handshake ratchet (section 6.3).
    /// </summary>
    public static bool TryCreate(
        GroupState state,
        IReadOnlyList<Proposal> proposals,
        ulong? nowUnixSeconds,
        out PendingCommit? pending,
        out string failure,
        WireFormat wireFormat = WireFormat.PublicMessage,
        IRandomSource? random = null)
    {
        Sender self = Sender.Member(state.OwnLeaf);
        return TryBuild(state, [.. proposals.Select(p => (ProposalOrRef.Inline(p), new ReceivedProposal(p, self)))], nowUnixSeconds, out pending, out failure, wireFormat, random);
    }

    /// <summary>
    /// A commit of every proposal received this epoch (and this member's own), each named by its ProposalRef
    /// (section 12.4): how a member carries out what others proposed.
    /// </summary>
    public static bool TryCommitReceived(GroupState state, ulong? nowUnixSeconds, out PendingCommit? pending, out string failure, WireFormat wireFormat = WireFormat.PublicMessage, IRandomSource? random = null) =>
        TryBuild(state, [.. state.ReceivedProposals.Select(p => (ProposalOrRef.ByReference(p.Reference), p.Proposal))], nowUnixSeconds, out pending, out failure, wireFormat, random);

    private static bool TryBuild(
        GroupState state,
        IReadOnlyList<(ProposalOrRef Item, ReceivedProposal Proposal)> proposals,
        ulong? nowUnixSeconds,
        out PendingCommit? pending,
        out string failure,
        WireFormat wireFormat,
        IRandomSource? random)
    {
        pending = null;
        random ??= SystemRandom.Instance;
        if (wireFormat is not (WireFormat.PublicMessage or WireFormat.PrivateMessage))
        {
            throw new ArgumentOutOfRangeException(nameof(wireFormat), wireFormat, "a commit is a PublicMessage or a PrivateMessage");
        }

        CipherSuite suite = state.Suite;
        Sender self = Sender.Member(state.OwnLeaf);
        if (!ProposalValidation.TryApply(state, state.OwnLeaf, [.. proposals.Select(p => p.Proposal)], nowUnixSeconds, out AppliedProposals? applied, out failure))
        {
            return false;
        }

        if (applied!.Psks.Count > 0)
        {
            failure = "this client does not commit PreSharedKey proposals";
            return false;
        }

        RatchetTree tree = applied.Tree;
        var added = applied.Added.Select(a => a.Leaf).ToHashSet();
        GroupContext provisional = state.Context with { Epoch = state.Epoch + 1, Extensions = applied.Extensions };
        using TreeKemEncapResult path = TreeKem.Encap(
            suite,
            tree,
            state.OwnLeaf,
            state.GroupId,
            state.SignaturePrivateKey,
            treeHash => (provisional = provisional with { TreeHash = treeHash }).Encode(),
            added,
            random);
        UpdatePath updatePath = path.Path;
        var commit = new Commit([.. proposals.Select(p => p.Item)], updatePath);
        var content = new FramedContent(state.GroupId, state.Epoch, self, [], commit);
        byte[] tbs = new FramedContentTbs(wireFormat, content, state.Context).Encode();
        byte[] signature = suite.SignWithLabel(state.SignaturePrivateKey, FramedContentTbs.SignatureLabel, tbs);

        byte[] confirmed = TranscriptHashes.Confirmed(suite, state.InterimTranscriptHash, TranscriptHashes.ConfirmedInput((ushort)wireFormat, content.Encode(), signature));
        GroupContext context = provisional with { ConfirmedTranscriptHash = confirmed };
        byte[] encodedContext = context.Encode();
        (byte[] joinerSecret, byte[] welcomeSecret, EpochSecrets epoch) = EpochKeySchedule.NextEpoch(suite, state.Secrets.InitSecret, path.CommitSecret, PskSecret.None(suite), encodedContext);
        try
        {
            byte[] confirmationTag = TranscriptHashes.ConfirmationTag(suite, epoch.ConfirmationKey, confirmed);
            var authenticated = new AuthenticatedContent(wireFormat, content, new FramedContentAuthData(signature, confirmationTag));
            MlsMessage message = wireFormat == WireFormat.PublicMessage
                ? MlsMessage.Of(PublicMessageProtection.Protect(suite, authenticated, state.Context, state.Secrets.MembershipKey))
                : MlsMessage.Of(Seal(state, authenticated, random));

            Welcome? welcome = applied.Added.Count == 0
                ? null
                : BuildWelcome(state, tree, context, confirmationTag, joinerSecret, welcomeSecret, path, applied.Added, random);
            byte[] interim = TranscriptHashes.Interim(suite, confirmed, confirmationTag);
            var privateKeys = new Dictionary<uint, byte[]>();
            using (TreeKemPrivateKeys keys = path.TakeKeys())
            {
                foreach (uint node in keys.Nodes)
                {
                    keys.TryGet(node, out byte[] key);
                    privateKeys[node] = key.ToArray();
                }
            }

            var next = new GroupState(suite, context, tree, interim, epoch, state.OwnLeaf, state.SignaturePrivateKey.ToArray(), privateKeys, state.CopyResumptionPsks());
            pending = new PendingCommit(message, welcome, next);
            failure = "";
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(joinerSecret);
            CryptographicOperations.ZeroMemory(welcomeSecret);
        }
    }

    private static PrivateMessage Seal(GroupState state, AuthenticatedContent content, IRandomSource random)
    {
        using RatchetKey key = state.SecretTree.NextKey(state.OwnLeaf, RatchetKind.Handshake);
        return PrivateMessageProtection.Protect(state.Suite, content, state.Secrets.SenderDataSecret, key.Generation, key.Key, key.Nonce, random: random);
    }

    private static Welcome BuildWelcome(
        GroupState state,
        RatchetTree tree,
        GroupContext context,
        byte[] confirmationTag,
        byte[] joinerSecret,
        byte[] welcomeSecret,
        TreeKemEncapResult path,
        IReadOnlyList<(uint Leaf, KeyPackage KeyPackage)> added,
        IRandomSource random)
    {
        CipherSuite suite = state.Suite;
        var ratchetTree = new Extension(ExtensionType.RatchetTree, RatchetTreeCodec.Encode(tree));
        GroupInfo info = new GroupInfo(context, [ratchetTree], confirmationTag, state.OwnLeaf, []).Signed(suite, state.SignaturePrivateKey);
        var joiners = new List<(KeyPackage, GroupSecrets)>(added.Count);
        try
        {
            foreach ((uint leaf, KeyPackage keyPackage) in added)
            {
                uint ancestor = TreeMath.CommonAncestor(TreeMath.LeafToNode(state.OwnLeaf), TreeMath.LeafToNode(leaf));
                joiners.Add((keyPackage, new GroupSecrets(joinerSecret.ToArray(), new PathSecret(path.PathSecrets[ancestor].ToArray()), [])));
            }

            return WelcomeProtection.Seal(suite, info, welcomeSecret, joiners, random);
        }
        finally
        {
            foreach ((_, GroupSecrets secrets) in joiners)
            {
                secrets.Wipe();
            }
        }
    }
}
