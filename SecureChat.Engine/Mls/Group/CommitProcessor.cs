using System.Security.Cryptography;
using SecureChat.Engine.Mls.Framing;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Mls.Schedule;
using SecureChat.Engine.Mls.Tree;

namespace SecureChat.Engine.Mls.Group;

/// <summary>
/// A member processing the handshake messages of its epoch (RFC 9420 section 12.4.2). A proposal is verified and
/// remembered under its ProposalRef. A commit is verified (membership tag, signature), its proposals resolved
/// (inline, or by reference to this epoch's proposals), validated and applied to a copy of the tree, its UpdatePath
/// merged and decrypted, and the next epoch derived: GroupContext with the new tree hash and confirmed transcript
/// hash, psk_secret, key schedule from this epoch's init_secret, confirmation tag checked, interim transcript hash.
/// Every step works on copies, so a refused commit leaves the state exactly as it was (STYLE habit 1); the reason
/// is one line. Stateless and thread-safe (a state must not be used by two callers at once).
/// </summary>
internal static class CommitProcessor
{
    public static bool TryReceiveProposal(GroupState state, MlsMessage message, out string failure)
    {
        if (!TryAuthenticate(state, message, ContentType.Proposal, out AuthenticatedContent? content, out failure))
        {
            return false;
        }

        byte[] reference = content!.ProposalRef(state.Suite);
        if (!state.RememberProposal(reference, new ReceivedProposal(content.Content.Proposal!, content.Content.Sender)))
        {
            failure = $"the epoch already holds {GroupState.ProposalsMax} proposals";
            return false;
        }

        return true;
    }

    /// <summary>
    /// Processes a commit from another member. On success <paramref name="next"/> is the next epoch's state (the caller
    /// disposes the old one); when the commit removes this member, false with the reason saying so.
    /// </summary>
    public static bool TryProcess(GroupState state, MlsMessage message, Func<PreSharedKeyId, byte[]?> externalPsks, ulong? nowUnixSeconds, out GroupState? next, out string failure) =>
        TryProcess(state, message, externalPsks, nowUnixSeconds, out next, out _, out failure);

    /// <summary>
    /// As above; <paramref name="ownLeafRemoved"/> is true when the commit verified and removes this member (then
    /// there is no next state for it).
    /// </summary>
    public static bool TryProcess(GroupState state, MlsMessage message, Func<PreSharedKeyId, byte[]?> externalPsks, ulong? nowUnixSeconds, out GroupState? next, out bool ownLeafRemoved, out string failure)
    {
        next = null;
        ownLeafRemoved = false;
        if (!TryAuthenticate(state, message, ContentType.Commit, out AuthenticatedContent? content, out failure))
        {
            return false;
        }

        CipherSuite suite = state.Suite;
        uint committer = content!.Content.Sender.Index;
        if (committer == state.OwnLeaf)
        {
            failure = "a commit from this member's own leaf is merged from its pending commit, not processed";
            return false;
        }

        Commit commit = content.Content.Commit!;
        var proposals = new List<ReceivedProposal>(commit.Proposals.Count);
        foreach (ProposalOrRef item in commit.Proposals)
        {
            if (item.Proposal is { } inline)
            {
                proposals.Add(new ReceivedProposal(inline, content.Content.Sender));
            }
            else if (state.FindProposal(item.Reference!) is { } referenced)
            {
                proposals.Add(referenced);
            }
            else
            {
                failure = $"the commit names proposal {Convert.ToHexString(item.Reference!)}, which was not received this epoch";
                return false;
            }
        }

        if (!ProposalValidation.TryApply(state, committer, proposals, nowUnixSeconds, out AppliedProposals? applied, out failure))
        {
            return false;
        }

        if (applied!.OwnLeafRemoved)
        {
            ownLeafRemoved = true;
            failure = "this member was removed from the group by the commit";
            return false;
        }

        if (applied.PathRequired && commit.Path is null)
        {
            failure = "the commit has no UpdatePath though its proposals require one";
            return false;
        }

        RatchetTree tree = applied.Tree;
        GroupContext provisional = state.Context with { Extensions = applied.Extensions };
        var addedLeaves = applied.Added.Select(a => a.Leaf).ToHashSet();
        if (commit.Path is not null)
        {
            if (!LeafValidation.TryValidate(commit.Path.LeafNode, provisional, tree, committer, out failure)
                || !TreeKem.TryMergePath(suite, tree, committer, commit.Path, state.GroupId, addedLeaves, out RatchetTree? merged, out failure))
            {
                return false;
            }

            tree = merged!;
        }

        // Section 12.4.1: the path secrets are sealed under the provisional GroupContext (new epoch and tree hash, the
        // old confirmed transcript hash, which cannot yet cover the commit that carries them).
        provisional = provisional with { Epoch = state.Epoch + 1, TreeHash = TreeHasher.RootHash(suite, tree) };
        byte[] confirmedInput = TranscriptHashes.ConfirmedInput((ushort)content.WireFormat, content.Content.Encode(), content.Auth.Signature);
        byte[] confirmed = TranscriptHashes.Confirmed(suite, state.InterimTranscriptHash, confirmedInput);
        GroupContext context = provisional with { ConfirmedTranscriptHash = confirmed };
        byte[] encodedContext = context.Encode();

        Dictionary<uint, byte[]> privateKeys = KeysStillInTree(suite, state, tree);
        byte[] commitSecret = new byte[suite.HashLength];
        byte[] pskSecret = [];
        EpochSecrets? epoch = null;
        try
        {
            if (commit.Path is not null)
            {
                if (!privateKeys.ContainsKey(TreeMath.LeafToNode(state.OwnLeaf)))
                {
                    failure = "this member's leaf no longer holds its key";
                    return false;
                }

                using TreeKemPrivateKeys keys = ToTreeKemKeys(state.OwnLeaf, privateKeys);
                if (!TreeKem.TryDecryptPath(suite, tree, committer, commit.Path, addedLeaves, provisional.Encode(), keys, out byte[] pathSecret, out byte[] secret, out failure))
                {
                    return false;
                }

                CryptographicOperations.ZeroMemory(pathSecret);
                commitSecret = secret;
                WipeAll(privateKeys);
                privateKeys = FromTreeKemKeys(keys);
            }

            byte[]? Lookup(PreSharedKeyId id) => id.Type == PskType.External
                ? externalPsks(id)
                : id.PskGroupId.AsSpan().SequenceEqual(state.GroupId) ? state.ResumptionPsk(id.PskEpoch) : null;
            if (!PskResolver.TryComputeSecret(suite, applied.Psks, Lookup, welcome: false, out pskSecret, out failure))
            {
                return false;
            }

            (byte[] joinerSecret, byte[] welcomeSecret, epoch) = EpochKeySchedule.NextEpoch(suite, state.Secrets.InitSecret, commitSecret, pskSecret, encodedContext);
            CryptographicOperations.ZeroMemory(joinerSecret);
            CryptographicOperations.ZeroMemory(welcomeSecret);
            if (!TranscriptHashes.VerifyConfirmationTag(suite, epoch.ConfirmationKey, confirmed, content.Auth.ConfirmationTag))
            {
                failure = "the commit's confirmation tag does not match (the committer derived another epoch)";
                return false;
            }

            byte[] interim = TranscriptHashes.Interim(suite, confirmed, content.Auth.ConfirmationTag!);
            next = new GroupState(suite, context, tree, interim, epoch, state.OwnLeaf, state.SignaturePrivateKey.ToArray(), privateKeys, state.CopyResumptionPsks());
            epoch = null;
            privateKeys = [];
            failure = "";
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(commitSecret);
            CryptographicOperations.ZeroMemory(pskSecret);
            epoch?.Dispose();
            WipeAll(privateKeys);
        }
    }

    /// <summary>
    /// A handshake message of this epoch from a member: a PublicMessage (membership tag, then signature) or a
    /// PrivateMessage opened with the sender's handshake ratchet (section 6.3), then its signature.
    /// </summary>
    private static bool TryAuthenticate(GroupState state, MlsMessage message, ContentType expected, out AuthenticatedContent? content, out string failure)
    {
        content = null;
        CipherSuite suite = state.Suite;
        byte[]? SignatureKeyOf(FramedContent framed) =>
            framed.Sender.Type == SenderType.Member ? state.Tree.GetLeaf(framed.Sender.Index)?.SignatureKey : null;

        UnprotectFailure reason;
        ulong epoch;
        ContentType type;
        if (message.PublicMessage is { } publicMessage)
        {
            (epoch, type) = (publicMessage.Content.Epoch, publicMessage.Content.ContentType);
            if (publicMessage.Content.Sender.Type != SenderType.Member)
            {
                failure = $"a handshake message from a {publicMessage.Content.Sender.Type} sender is not accepted";
                return false;
            }

            PublicMessageProtection.TryUnprotect(suite, publicMessage, state.Context, state.Secrets.MembershipKey, SignatureKeyOf, out content, out reason);
        }
        else if (message.PrivateMessage is { } privateMessage)
        {
            (epoch, type) = (privateMessage.Epoch, privateMessage.ContentType);
            bool Keys(uint leaf, ContentType contentType, uint generation, out byte[] key, out byte[] nonce)
            {
                key = nonce = [];
                if (leaf == state.OwnLeaf || state.Tree.GetLeaf(leaf) is null || !state.SecretTree.TryGetKey(leaf, RatchetKind.Handshake, generation, out RatchetKey? ratchetKey))
                {
                    return false;
                }

                (key, nonce) = (ratchetKey.Key, ratchetKey.Nonce);
                return true;
            }

            PrivateMessageProtection.TryUnprotect(suite, privateMessage, state.Context, state.Secrets.SenderDataSecret, Keys, SignatureKeyOf, out content, out reason);
        }
        else
        {
            failure = $"a {message.WireFormat} is not a handshake message";
            return false;
        }

        if (content is null)
        {
            failure = UnprotectReasons.Describe(reason, epoch, state.Epoch);
            return false;
        }

        if (type != expected)
        {
            content = null;
            failure = $"expected a {expected}, got a {type}";
            return false;
        }

        failure = "";
        return true;
    }

    private static TreeKemPrivateKeys ToTreeKemKeys(uint ownLeaf, Dictionary<uint, byte[]> privateKeys)
    {
        var keys = new TreeKemPrivateKeys(ownLeaf, privateKeys[TreeMath.LeafToNode(ownLeaf)]);
        foreach ((uint node, byte[] key) in privateKeys)
        {
            keys.Set(node, key);
        }

        return keys;
    }

    private static Dictionary<uint, byte[]> FromTreeKemKeys(TreeKemPrivateKeys keys)
    {
        var copy = new Dictionary<uint, byte[]>();
        foreach (uint node in keys.Nodes)
        {
            keys.TryGet(node, out byte[] key);
            copy[node] = key.ToArray();
        }

        return copy;
    }

    private static void WipeAll(Dictionary<uint, byte[]> keys)
    {
        foreach (byte[] key in keys.Values)
        {
            CryptographicOperations.ZeroMemory(key);
        }

        keys.Clear();
    }

    /// <summary>Copies of the private keys whose node still holds the matching public key in <paramref name="tree"/>.</summary>
    private static Dictionary<uint, byte[]> KeysStillInTree(CipherSuite suite, GroupState state, RatchetTree tree)
    {
        var kept = new Dictionary<uint, byte[]>();
        foreach (uint node in state.NodesWithPrivateKeys)
        {
            byte[] key = state.PrivateKeyOf(node)!;
            if (node < tree.NodeCount && !tree.IsBlank(node) && tree.EncryptionKeyAt(node).AsSpan().SequenceEqual(suite.PublicKeyOf(key)))
            {
                kept[node] = key.ToArray();
            }
        }

        return kept;
    }
}
