using System.Security.Cryptography;

namespace SecureChat.Engine.Mls.Group;

/// <summary>
/// The private keys behind one KeyPackage (RFC 9420 section 10): the HPKE init key a Welcome is sealed to, the HPKE
/// key of the leaf's encryption_key, and the Ed25519 signature key (32-byte seed). The init key is for one Welcome
/// only (section 16.8): wipe it once the join has succeeded. Not thread-safe.
/// </summary>
internal sealed record KeyPackageSecrets(byte[] InitPrivateKey, byte[] EncryptionPrivateKey, byte[] SignaturePrivateKey)
{
    public void Wipe()
    {
        CryptographicOperations.ZeroMemory(InitPrivateKey);
        CryptographicOperations.ZeroMemory(EncryptionPrivateKey);
        CryptographicOperations.ZeroMemory(SignaturePrivateKey);
    }
}
