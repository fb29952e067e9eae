using System.Security.Cryptography;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Mls.Schedule;
using SecureChat.Engine.Mls.Tree;

namespace SecureChat.Engine.Mls.Group;

/// <summary>
/// Creating a one-member group (RFC 9420 section 11): a tree holding the creator's leaf, epoch 0 with an empty
/// confirmed transcript hash, the key schedule from a random init_secret with an all-zero commit_secret and no PSK,
/// and the interim transcript hash from the confirmation tag over the empty hash. The init_secret comes from the
/// random source the caller gives (the system's CSPRNG unless given). Stateless and thread-safe.
/// </summary>
internal static class GroupCreation
{
    /// <summary>The most bytes a group id may have here: it is repeated in every message of the group.</summary>
    public const int GroupIdMax = 255;

    public static GroupState Create(CipherSuite suite, byte[] groupId, KeyPackage creator, KeyPackageSecrets keys, IReadOnlyList<Extension> extensions, IRandomSource? random = null)
    {
        if (groupId.Length is 0 or > GroupIdMax)
        {
            throw new ArgumentException($"a group id has 1 to {GroupIdMax} bytes", nameof(groupId));
        }

        var tree = new RatchetTree(creator.LeafNode);
        var context = new GroupContext(ProtocolVersion.Mls10, suite.Id, groupId.ToArray(), 0, TreeHasher.RootHash(suite, tree), [], extensions);
        if (!Messages.Extensions.AreDistinct(extensions))
        {
            throw new ArgumentException("a group extension is repeated", nameof(extensions));
        }

        if (!LeafValidation.TryValidateAll(context, tree, out string failure))
        {
            throw new ArgumentException($"the creator's leaf does not fit the group's extensions: {failure}", nameof(extensions));
        }

        byte[] initSecret = SecretArray.Allocate(suite.HashLength);
        (random ?? SystemRandom.Instance).Fill(initSecret);
        (byte[] joiner, byte[] welcome, EpochSecrets epoch) = EpochKeySchedule.NextEpoch(suite, initSecret, new byte[suite.HashLength], PskSecret.None(suite), context.Encode());
        CryptographicOperations.ZeroMemory(initSecret);
        CryptographicOperations.ZeroMemory(joiner);
        CryptographicOperations.ZeroMemory(welcome);
        byte[] tag = TranscriptHashes.ConfirmationTag(suite, epoch.ConfirmationKey, []);
        byte[] interim = TranscriptHashes.Interim(suite, [], tag);
        var privateKeys = new Dictionary<uint, byte[]> { [0] = keys.EncryptionPrivateKey.ToArray() };
        return new GroupState(suite, context, tree, interim, epoch, 0, keys.SignaturePrivateKey.ToArray(), privateKeys, new SortedList<ulong, byte[]>());
    }
}
