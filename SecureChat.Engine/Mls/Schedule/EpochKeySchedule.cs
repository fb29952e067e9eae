using System.Security.Cryptography;

namespace SecureChat.Engine.Mls.Schedule;

/// <summary>
/// The MLS key schedule (RFC 9420 section 8, figure 22), from the previous epoch's init_secret to the new epoch:
/// <code>
/// joiner_secret = ExpandWithLabel(Extract(salt = init_secret, ikm = commit_secret), "joiner", GroupContext, Nh)
/// member_prk    = Extract(salt = joiner_secret, ikm = psk_secret)
/// welcome_secret = DeriveSecret(member_prk, "welcome")
/// epoch_secret   = ExpandWithLabel(member_prk, "epoch", GroupContext, Nh)
/// </code>
/// then <see cref="EpochSecrets"/>. A new member enters at joiner_secret (from the Welcome's GroupSecrets). The group
/// context is passed encoded, as it is signed and hashed. With no pre-shared key, psk_secret is Nh zero bytes
/// (<see cref="PskSecret.None"/>). Intermediate secrets are wiped. Stateless and thread-safe.
/// </summary>
internal static class EpochKeySchedule
{
    /// <summary>joiner_secret for the epoch whose encoded GroupContext is <paramref name="groupContext"/>.</summary>
    public static byte[] JoinerSecret(CipherSuite suite, ReadOnlySpan<byte> initSecret, ReadOnlySpan<byte> commitSecret, ReadOnlySpan<byte> groupContext)
    {
        byte[] prk = suite.Extract(initSecret, commitSecret);
        try
        {
            return suite.ExpandWithLabel(prk, "joiner", groupContext, suite.HashLength);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(prk);
        }
    }

    /// <summary>From joiner_secret and psk_secret: the welcome_secret and the epoch's secrets.</summary>
    public static (byte[] WelcomeSecret, EpochSecrets Epoch) FromJoinerSecret(CipherSuite suite, ReadOnlySpan<byte> joinerSecret, ReadOnlySpan<byte> pskSecret, ReadOnlySpan<byte> groupContext)
    {
        byte[] memberPrk = suite.Extract(joinerSecret, pskSecret);
        try
        {
            byte[] welcomeSecret = suite.DeriveSecret(memberPrk, "welcome");
            byte[] epochSecret = suite.ExpandWithLabel(memberPrk, "epoch", groupContext, suite.HashLength);
            return (welcomeSecret, EpochSecrets.FromEpochSecret(suite, epochSecret));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(memberPrk);
        }
    }

    /// <summary>The whole step for a member: the joiner_secret (for Welcome messages), the welcome_secret and the epoch's secrets.</summary>
    public static (byte[] JoinerSecret, byte[] WelcomeSecret, EpochSecrets Epoch) NextEpoch(CipherSuite suite, ReadOnlySpan<byte> initSecret, ReadOnlySpan<byte> commitSecret, ReadOnlySpan<byte> pskSecret, ReadOnlySpan<byte> groupContext)
    {
        byte[] joinerSecret = JoinerSecret(suite, initSecret, commitSecret, groupContext);
        (byte[] welcomeSecret, EpochSecrets epoch) = FromJoinerSecret(suite, joinerSecret, pskSecret, groupContext);
        return (joinerSecret, welcomeSecret, epoch);
    }

    /// <summary>The AEAD key and nonce that encrypt a Welcome's GroupInfo (section 12.4.3.1).</summary>
    public static (byte[] Key, byte[] Nonce) WelcomeKeyAndNonce(CipherSuite suite, ReadOnlySpan<byte> welcomeSecret) =>
        (suite.ExpandWithLabel(welcomeSecret, "key", [], suite.AeadKeyLength),
         suite.ExpandWithLabel(welcomeSecret, "nonce", [], suite.AeadNonceLength));
}
