using System.Diagnostics.CodeAnalysis;
using SecureChat.Engine.Mls.Codec;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Mls.Schedule;
using SecureChat.Engine.Mls.Tree;

namespace SecureChat.Engine.Mls.Group;

/// <summary>
/// A member's <see cref="GroupState"/> as bytes, to keep a group across restarts: a version byte, then in the TLS
/// presentation language of RFC 9420 the cipher suite, the GroupContext, the ratchet tree, the interim transcript
/// hash, the epoch secrets (without encryption_secret), what the secret tree still holds (node secrets not yet split,
/// each used leaf's two ratchets with their skipped keys), this member's leaf, signature key and node private keys,
/// and the kept resumption PSKs. Reading checks every length and that the tree's hash is the context's, and refuses
/// anything else with one reason. The bytes are secret: the caller encrypts them. Stateless and thread-safe.
/// </summary>
internal static class GroupStateCodec
{
    public const byte Version = 1;

    public static byte[] Encode(GroupState state) => MlsWriter.Encode(w =>
    {
        w.U8(Version);
        w.U16(state.Suite.Id);
        w.Opaque(state.EncodedContext);
        w.Opaque(RatchetTreeCodec.Encode(state.Tree));
        w.Opaque(state.InterimTranscriptHash);
        state.Secrets.WriteStored(w);
        state.SecretTree.Write(w);
        w.U32(state.OwnLeaf);
        w.Opaque(state.SignaturePrivateKey);
        w.Vector([.. state.CopyNodePrivateKeys().OrderBy(pair => pair.Key)], static (w, pair) =>
        {
            w.U32(pair.Key);
            w.Opaque(pair.Value);
        });
        w.Vector([.. state.CopyResumptionPsks()], static (w, pair) =>
        {
            w.U64(pair.Key);
            w.Opaque(pair.Value);
        });
    });

    public static bool TryDecode(ReadOnlySpan<byte> bytes, [NotNullWhen(true)] out GroupState? state, out string failure)
    {
        state = null;
        if (bytes.Length == 0 || bytes[0] != Version)
        {
            failure = bytes.Length == 0 ? "the stored group state is empty" : $"the stored group state has version {bytes[0]}, not {Version}";
            return false;
        }

        try
        {
            var r = new MlsReader(bytes[1..]);
            ushort suiteId = r.U16();
            if (suiteId != CipherSuite.Suite1.Id)
            {
                failure = $"the stored group state is for cipher suite {suiteId}";
                return false;
            }

            CipherSuite suite = CipherSuite.Suite1;
            GroupContext context = GroupContext.Decode(r.Opaque());
            RatchetTree tree = RatchetTreeCodec.Decode(r.Opaque());
            byte[] interim = r.OpaqueArray();
            EpochSecrets secrets = EpochSecrets.ReadStored(suite, ref r);
            SecretTree secretTree = SecretTree.Read(suite, tree.LeafCount, ref r);
            uint ownLeaf = r.U32();
            byte[] signatureKey = r.OpaqueArray();
            var privateKeys = new Dictionary<uint, byte[]>();
            foreach ((uint node, byte[] key) in r.VectorOf(static (ref MlsReader r) => (r.U32(), r.OpaqueArray())))
            {
                if (node >= tree.NodeCount || !privateKeys.TryAdd(node, key))
                {
                    throw new MlsFormatException($"a stored private key of node {node} is out of place");
                }
            }

            var psks = new SortedList<ulong, byte[]>();
            foreach ((ulong epoch, byte[] psk) in r.VectorOf(static (ref MlsReader r) => (r.U64(), r.OpaqueArray())))
            {
                if (psks.Count >= GroupState.ResumptionPsksMax || !psks.TryAdd(epoch, psk))
                {
                    throw new MlsFormatException("the stored resumption PSKs repeat an epoch or are too many");
                }
            }

            r.ExpectEnd();
            if (!TreeHasher.RootHash(suite, tree).AsSpan().SequenceEqual(context.TreeHash))
            {
                failure = "the stored group state is damaged: its tree does not match its context";
                return false;
            }

            if (tree.GetLeaf(ownLeaf) is not { } own || !suite.SignaturePublicKeyOf(signatureKey).AsSpan().SequenceEqual(own.SignatureKey)
                || !privateKeys.TryGetValue(TreeMath.LeafToNode(ownLeaf), out byte[]? leafKey) || !suite.PublicKeyOf(leafKey).AsSpan().SequenceEqual(own.EncryptionKey))
            {
                failure = "the stored group state is damaged: its own leaf does not hold its keys";
                return false;
            }

            state = new GroupState(suite, context, tree, interim, secrets, secretTree, ownLeaf, signatureKey, privateKeys, psks);
            failure = "";
            return true;
        }
        catch (Exception e) when (e is MlsFormatException or ArgumentException or InvalidOperationException or System.Security.Cryptography.CryptographicException or FormatException)
        {
            failure = $"the stored group state is damaged: {e.Message}";
            return false;
        }
    }
}
