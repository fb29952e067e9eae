using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Mls.Codec;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Mls.Schedule;

namespace SecureChat.Engine.Mls.Framing;

/// <summary>
/// Welcome encryption (RFC 9420 section 12.4.3.1). The GroupInfo is sealed with AEAD under
/// welcome_key = ExpandWithLabel(welcome_secret, "key", "", Nk) and welcome_nonce = ExpandWithLabel(welcome_secret,
/// "nonce", "", Nn) with empty associated data; each joiner's GroupSecrets is sealed to its key package's init key
/// with EncryptWithLabel(init_key, "Welcome", encrypted_group_info, GroupSecrets) and filed under the key package's
/// KeyPackageRef (the HPKE ephemeral keys from the caller's random source, the system's CSPRNG unless given). The
/// welcome secret comes from the key schedule. A joiner opens its secrets first (they give the
/// joiner secret, hence the welcome secret), then the group info. Stateless and thread-safe.
/// </summary>
internal static class WelcomeProtection
{
    /// <summary>The label of a joiner's GroupSecrets encryption (section 5.1.3 EncryptWithLabel).</summary>
    public const string GroupSecretsLabel = "Welcome";

    public static Welcome Seal(
        CipherSuite suite,
        GroupInfo groupInfo,
        ReadOnlySpan<byte> welcomeSecret,
        IReadOnlyList<(KeyPackage KeyPackage, GroupSecrets Secrets)> joiners,
        IRandomSource? random = null)
    {
        (byte[] key, byte[] nonce) = EpochKeySchedule.WelcomeKeyAndNonce(suite, welcomeSecret);
        byte[] encryptedGroupInfo;
        try
        {
            encryptedGroupInfo = suite.Seal(key, nonce, [], groupInfo.Encode());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(nonce);
        }

        List<EncryptedGroupSecrets> entries = [];
        foreach ((KeyPackage keyPackage, GroupSecrets secrets) in joiners)
        {
            byte[] plain = secrets.Encode();
            try
            {
                (byte[] kem, byte[] ciphertext) = suite.EncryptWithLabel(keyPackage.InitKey, GroupSecretsLabel, encryptedGroupInfo, plain, random);
                entries.Add(new EncryptedGroupSecrets(keyPackage.Reference(suite), new HpkeCiphertext(kem, ciphertext)));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(plain);
            }
        }

        return new Welcome(suite.Id, entries, encryptedGroupInfo);
    }

    /// <summary>
    /// The GroupSecrets filed under <paramref name="keyPackageRef"/>, opened with the key package's init private key.
    /// The caller wipes them (<see cref="GroupSecrets.Wipe"/>) once the key schedule has them.
    /// </summary>
    public static bool TryOpenGroupSecrets(
        CipherSuite suite,
        Welcome welcome,
        ReadOnlySpan<byte> keyPackageRef,
        ReadOnlySpan<byte> initPrivateKey,
        [NotNullWhen(true)] out GroupSecrets? secrets,
        out WelcomeFailure failure)
    {
        secrets = null;
        if (welcome.CipherSuite != suite.Id)
        {
            failure = WelcomeFailure.WrongCipherSuite;
            return false;
        }

        EncryptedGroupSecrets? entry = null;
        foreach (EncryptedGroupSecrets candidate in welcome.Secrets)
        {
            if (candidate.NewMember.AsSpan().SequenceEqual(keyPackageRef))
            {
                entry = candidate;
                break;
            }
        }

        if (entry is null)
        {
            failure = WelcomeFailure.NotForThisKeyPackage;
            return false;
        }

        HpkeCiphertext sealedSecrets = entry.EncryptedGroupSecretsCiphertext;
        if (!suite.TryDecryptWithLabel(initPrivateKey, GroupSecretsLabel, welcome.EncryptedGroupInfo, sealedSecrets.KemOutput, sealedSecrets.Ciphertext, out byte[] plain))
        {
            failure = WelcomeFailure.SecretsUnreadable;
            return false;
        }

        try
        {
            secrets = GroupSecrets.Decode(plain);
            failure = WelcomeFailure.None;
            return true;
        }
        catch (MlsFormatException)
        {
            failure = WelcomeFailure.Malformed;
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>The GroupInfo of <paramref name="welcome"/>, opened with the welcome secret of the joined epoch.</summary>
    public static bool TryOpenGroupInfo(
        CipherSuite suite, Welcome welcome, ReadOnlySpan<byte> welcomeSecret, [NotNullWhen(true)] out GroupInfo? groupInfo, out WelcomeFailure failure)
    {
        groupInfo = null;
        (byte[] key, byte[] nonce) = EpochKeySchedule.WelcomeKeyAndNonce(suite, welcomeSecret);
        try
        {
            if (!suite.TryOpen(key, nonce, [], welcome.EncryptedGroupInfo, out byte[] plain))
            {
                failure = WelcomeFailure.GroupInfoUnreadable;
                return false;
            }

            groupInfo = GroupInfo.Decode(plain);
            failure = WelcomeFailure.None;
            return true;
        }
        catch (MlsFormatException)
        {
            failure = WelcomeFailure.Malformed;
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(nonce);
        }
    }
}
