using System.Security.Cryptography;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Mls.Messages;

namespace SecureChat.Engine.Mls.Group;

/// <summary>
/// Makes this client's KeyPackages (RFC 9420 section 10): fresh HPKE init and leaf keys, a basic credential with the
/// given identity, capabilities for mls10 and the suite, a lifetime from an hour before <c>now</c> (clock skew)
/// to <see cref="LifetimeSeconds"/> after it, the leaf and the package signed with the signature key. The two keys
/// come from the random source the caller gives (the system's CSPRNG unless given). Stateless and thread-safe.
/// </summary>
internal static class KeyPackageFactory
{
    /// <summary>How long a key package stays valid: long enough to sit at the delivery service between uses.</summary>
    public const ulong LifetimeSeconds = 90UL * 24 * 3600;

    private const ulong SkewSeconds = 3600;

    public static (KeyPackage KeyPackage, KeyPackageSecrets Secrets) Create(CipherSuite suite, byte[] identity, byte[] signaturePrivateKey, ulong nowUnixSeconds, IRandomSource? random = null)
    {
        random ??= SystemRandom.Instance;
        (byte[] initPrivate, byte[] initPublic) = RandomKeyPair(suite, random);
        (byte[] leafPrivate, byte[] leafPublic) = RandomKeyPair(suite, random);
        var capabilities = new Capabilities([(ushort)ProtocolVersion.Mls10], [suite.Id], [], [], [(ushort)CredentialType.Basic]);
        var lifetime = new Lifetime(nowUnixSeconds - Math.Min(nowUnixSeconds, SkewSeconds), nowUnixSeconds + LifetimeSeconds);
        LeafNode leaf = new LeafNode(
            leafPublic,
            suite.SignaturePublicKeyOf(signaturePrivateKey),
            Credential.Basic(identity),
            capabilities,
            LeafNodeSource.KeyPackage,
            lifetime,
            null,
            [],
            []).Signed(suite, signaturePrivateKey, null, 0);
        KeyPackage keyPackage = new KeyPackage(ProtocolVersion.Mls10, suite.Id, initPublic, leaf, [], []).Signed(suite, signaturePrivateKey);
        return (keyPackage, new KeyPackageSecrets(initPrivate, leafPrivate, signaturePrivateKey.ToArray()));
    }

    private static (byte[] PrivateKey, byte[] PublicKey) RandomKeyPair(CipherSuite suite, IRandomSource random)
    {
        byte[] ikm = SecretArray.Allocate(suite.HashLength);
        try
        {
            random.Fill(ikm);
            return suite.DeriveKeyPair(ikm);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ikm);
        }
    }
}
