using System.Security.Cryptography;
using SecureChat.Engine.Mls.Codec;
using SecureChat.Engine.Mls.Framing;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Mls.Schedule;
using SecureChat.Engine.Mls.Tree;

namespace SecureChat.Engine.Mls.Group;

/// <summary>
/// Joining a group from a Welcome (RFC 9420 section 12.4.3.1): find this client's EncryptedGroupSecrets by its
/// KeyPackageRef, open them with the init key (EncryptWithLabel label "Welcome", context the encrypted GroupInfo),
/// resolve the PSKs they name, derive the welcome key and nonce from joiner_secret and psk_secret and open the
/// GroupInfo, check its confirmation tag under the epoch's confirmation_key; then take the ratchet tree (the
/// GroupInfo's ratchet_tree extension or one given out of band), verify the GroupInfo's signature by the signer's
/// leaf, validate the tree and its leaves, find this client's leaf, derive the path keys from the path secret up
/// from the common ancestor with the signer (each must match the tree), and set the interim transcript hash. The
/// Welcome's bytes come from the delivery service and may be forged: every failure returns false with one reason
/// and nothing is kept. Stateless and thread-safe.
/// </summary>
internal static class WelcomeJoin
{
    /// <summary>
    /// Opens the Welcome as far as the secrets reach: GroupSecrets, GroupInfo and the epoch's secrets, with the
    /// confirmation tag checked. The signature and tree are for <see cref="TryJoin"/>.
    /// </summary>
    public static bool TryOpen(
        CipherSuite suite,
        Welcome welcome,
        KeyPackage keyPackage,
        ReadOnlySpan<byte> initPrivateKey,
        Func<PreSharedKeyId, byte[]?> psks,
        out OpenedWelcome? opened,
        out string failure)
    {
        opened = null;
        if (keyPackage.CipherSuite != suite.Id)
        {
            failure = $"the key package is for cipher suite {keyPackage.CipherSuite}, not {suite.Id}";
            return false;
        }

        if (!WelcomeProtection.TryOpenGroupSecrets(suite, welcome, keyPackage.Reference(suite), initPrivateKey, out GroupSecrets? secrets, out WelcomeFailure reason))
        {
            failure = Describe(reason, welcome);
            return false;
        }

        if (!TryOpenGroupInfo(suite, welcome, secrets, psks, out opened, out failure))
        {
            secrets.Wipe();
            return false;
        }

        return true;
    }

    /// <summary>
    /// Joins the group: a state for the Welcome's epoch, or false with a reason. <paramref name="ratchetTree"/> is the
    /// tree given out of band, needed when the GroupInfo carries no ratchet_tree extension.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="keys"/> do not belong to <paramref name="keyPackage"/>.</exception>
    public static bool TryJoin(
        CipherSuite suite,
        Welcome welcome,
        KeyPackage keyPackage,
        KeyPackageSecrets keys,
        RatchetTree? ratchetTree,
        Func<PreSharedKeyId, byte[]?> psks,
        out GroupState? state,
        out string failure)
    {
        state = null;
        if (!suite.PublicKeyOf(keys.InitPrivateKey).AsSpan().SequenceEqual(keyPackage.InitKey)
            || !suite.PublicKeyOf(keys.EncryptionPrivateKey).AsSpan().SequenceEqual(keyPackage.LeafNode.EncryptionKey)
            || !suite.SignaturePublicKeyOf(keys.SignaturePrivateKey).AsSpan().SequenceEqual(keyPackage.LeafNode.SignatureKey))
        {
            throw new ArgumentException("the private keys do not belong to the key package", nameof(keys));
        }

        if (!TryOpen(suite, welcome, keyPackage, keys.InitPrivateKey, psks, out OpenedWelcome? opened, out failure))
        {
            return false;
        }

        bool kept = false;
        var privateKeys = new Dictionary<uint, byte[]>();
        try
        {
            GroupInfo info = opened!.GroupInfo;
            GroupContext context = info.GroupContext;
            if (!TryTakeTree(info, ratchetTree, out RatchetTree? tree, out failure))
            {
                return false;
            }

            if (info.Signer >= tree!.LeafCount || tree.GetLeaf(info.Signer) is not { } signerLeaf)
            {
                failure = $"the GroupInfo's signer, leaf {info.Signer}, is not a member";
                return false;
            }

            if (!info.VerifySignature(suite, signerLeaf.SignatureKey))
            {
                failure = "the GroupInfo's signature does not verify under the signer's leaf";
                return false;
            }

            if (!TreeValidator.TryValidate(suite, tree, context.GroupId, context.TreeHash, out failure)
                || !LeafValidation.TryValidateAll(context, tree, out failure))
            {
                return false;
            }

            if (FindLeaf(tree, keyPackage.LeafNode) is not { } own)
            {
                failure = "this client's leaf is not in the group's ratchet tree";
                return false;
            }

            privateKeys[TreeMath.LeafToNode(own)] = keys.EncryptionPrivateKey.ToArray();
            if (opened.Secrets.PathSecret is { } pathSecret && !TryDerivePathKeys(suite, tree, own, info.Signer, pathSecret.Secret, privateKeys, out failure))
            {
                return false;
            }

            byte[] interim = TranscriptHashes.Interim(suite, context.ConfirmedTranscriptHash, info.ConfirmationTag);
            state = new GroupState(suite, context, tree, interim, opened.Epoch, own, keys.SignaturePrivateKey.ToArray(), privateKeys, new SortedList<ulong, byte[]>());
            kept = true;
            failure = "";
            return true;
        }
        finally
        {
            opened!.Secrets.Wipe();
            if (!kept)
            {
                opened.Epoch.Dispose();
                foreach (byte[] key in privateKeys.Values)
                {
                    CryptographicOperations.ZeroMemory(key);
                }
            }
        }
    }

    /// <summary>The index of the leaf equal to <paramref name="leaf"/>, byte for byte.</summary>
    private static uint? FindLeaf(RatchetTree tree, LeafNode leaf)
    {
        byte[] wanted = leaf.Encode();
        foreach (uint index in tree.OccupiedLeaves())
        {
            if (tree.GetLeaf(index)!.Encode().AsSpan().SequenceEqual(wanted))
            {
                return index;
            }
        }

        return null;
    }

    private static bool TryOpenGroupInfo(CipherSuite suite, Welcome welcome, GroupSecrets secrets, Func<PreSharedKeyId, byte[]?> psks, out OpenedWelcome? opened, out string failure)
    {
        opened = null;
        if (secrets.JoinerSecret.Length != suite.HashLength)
        {
            failure = $"the Welcome's joiner secret is {secrets.JoinerSecret.Length} bytes, not {suite.HashLength}";
            return false;
        }

        if (!PskResolver.TryComputeSecret(suite, secrets.Psks, psks, welcome: true, out byte[] pskSecret, out failure))
        {
            return false;
        }

        byte[] memberPrk = suite.Extract(secrets.JoinerSecret, pskSecret);
        byte[] welcomeSecret = suite.DeriveSecret(memberPrk, "welcome");
        CryptographicOperations.ZeroMemory(memberPrk);
        if (!WelcomeProtection.TryOpenGroupInfo(suite, welcome, welcomeSecret, out GroupInfo? info, out WelcomeFailure reason))
        {
            CryptographicOperations.ZeroMemory(welcomeSecret);
            CryptographicOperations.ZeroMemory(pskSecret);
            failure = Describe(reason, welcome);
            return false;
        }

        CryptographicOperations.ZeroMemory(welcomeSecret);
        GroupContext context = info.GroupContext;
        if (context.Version != ProtocolVersion.Mls10 || context.CipherSuite != welcome.CipherSuite)
        {
            CryptographicOperations.ZeroMemory(pskSecret);
            failure = "the GroupInfo's version or cipher suite differs from the Welcome's";
            return false;
        }

        (byte[] ignoredWelcomeSecret, EpochSecrets epoch) = EpochKeySchedule.FromJoinerSecret(suite, secrets.JoinerSecret, pskSecret, context.Encode());
        CryptographicOperations.ZeroMemory(ignoredWelcomeSecret);
        CryptographicOperations.ZeroMemory(pskSecret);
        if (!TranscriptHashes.VerifyConfirmationTag(suite, epoch.ConfirmationKey, context.ConfirmedTranscriptHash, info.ConfirmationTag))
        {
            epoch.Dispose();
            failure = "the GroupInfo's confirmation tag does not match the epoch's secrets";
            return false;
        }

        opened = new OpenedWelcome(secrets, info, epoch);
        failure = "";
        return true;
    }

    private static string Describe(WelcomeFailure reason, Welcome welcome) => reason switch
    {
        WelcomeFailure.WrongCipherSuite => $"the Welcome is for cipher suite {welcome.CipherSuite}, not this client's",
        WelcomeFailure.NotForThisKeyPackage => "the Welcome is not for this client (no entry for its key package)",
        WelcomeFailure.SecretsUnreadable => "the Welcome's group secrets do not decrypt with this key package's init key",
        WelcomeFailure.GroupInfoUnreadable => "the Welcome's GroupInfo does not decrypt with the welcome key",
        _ => "the Welcome is malformed",
    };

    private static bool TryTakeTree(GroupInfo info, RatchetTree? given, out RatchetTree? tree, out string failure)
    {
        tree = null;
        if (Extensions.Find(info.Extensions, ExtensionType.RatchetTree) is { } extension)
        {
            try
            {
                tree = RatchetTreeCodec.Decode(extension.Data);
            }
            catch (MlsFormatException e)
            {
                failure = $"the GroupInfo's ratchet tree is malformed: {e.Message}";
                return false;
            }
        }
        else if (given is not null)
        {
            tree = given.Clone();
        }
        else
        {
            failure = "the Welcome carries no ratchet tree and none was given";
            return false;
        }

        failure = "";
        return true;
    }

    /// <summary>
    /// The path secret belongs to the lowest common ancestor of this client's leaf and the committer's (the GroupInfo's
    /// signer), a node of the committer's filtered direct path; each node above it on that path gets the next secret.
    /// </summary>
    private static bool TryDerivePathKeys(CipherSuite suite, RatchetTree tree, uint own, uint signer, byte[] pathSecret, Dictionary<uint, byte[]> privateKeys, out string failure)
    {
        if (own == signer)
        {
            failure = "the Welcome's GroupInfo is signed by this client's own leaf";
            return false;
        }

        uint ancestor = TreeMath.CommonAncestor(TreeMath.LeafToNode(own), TreeMath.LeafToNode(signer));
        List<uint> path = PathKeys.FilteredPathNodes(tree, signer);
        int start = path.IndexOf(ancestor);
        if (start < 0)
        {
            failure = $"the path secret's node {ancestor} is not on the committer's filtered direct path";
            return false;
        }

        if (!PathKeys.TryDerive(suite, tree, path, start, pathSecret, privateKeys, out byte[]? rootSecret, out failure))
        {
            return false;
        }

        CryptographicOperations.ZeroMemory(rootSecret);
        return true;
    }
}
