using System.Security.Cryptography;

namespace SecureChat.Engine.Mls.Schedule;

/// <summary>
/// The secrets derived from one epoch's epoch_secret (RFC 9420 section 8, table 4): each is
/// DeriveSecret(epoch_secret, label) for the labels "sender data", "encryption", "exporter", "external", "confirm",
/// "membership", "resumption", "authentication" and "init". Also the exporter (section 8.5) and the external key
/// pair (section 8.3). The epoch secret itself is wiped once these exist; every secret is wiped on
/// <see cref="Dispose"/>, which the group calls when the epoch ends. Immutable until disposed; not thread-safe to
/// dispose while in use.
/// </summary>
internal sealed class EpochSecrets : IDisposable
{
    private readonly CipherSuite _suite;

    private EpochSecrets(CipherSuite suite, ReadOnlySpan<byte> epochSecret)
    {
        _suite = suite;
        SenderDataSecret = suite.DeriveSecret(epochSecret, "sender data");
        EncryptionSecret = suite.DeriveSecret(epochSecret, "encryption");
        ExporterSecret = suite.DeriveSecret(epochSecret, "exporter");
        ExternalSecret = suite.DeriveSecret(epochSecret, "external");
        ConfirmationKey = suite.DeriveSecret(epochSecret, "confirm");
        MembershipKey = suite.DeriveSecret(epochSecret, "membership");
        ResumptionPsk = suite.DeriveSecret(epochSecret, "resumption");
        EpochAuthenticator = suite.DeriveSecret(epochSecret, "authentication");
        InitSecret = suite.DeriveSecret(epochSecret, "init");
    }

    private EpochSecrets(CipherSuite suite, IReadOnlyList<byte[]> stored)
    {
        _suite = suite;
        (SenderDataSecret, EncryptionSecret, ExporterSecret, ExternalSecret, ConfirmationKey, MembershipKey, ResumptionPsk, EpochAuthenticator, InitSecret) =
            (stored[0], stored[1], stored[2], stored[3], stored[4], stored[5], stored[6], stored[7], stored[8]);
    }

    public byte[] SenderDataSecret { get; }

    public byte[] EncryptionSecret { get; }

    public byte[] ExporterSecret { get; }

    public byte[] ExternalSecret { get; }

    public byte[] ConfirmationKey { get; }

    public byte[] MembershipKey { get; }

    public byte[] ResumptionPsk { get; }

    public byte[] EpochAuthenticator { get; }

    /// <summary>The init_secret the next epoch's key schedule starts from.</summary>
    public byte[] InitSecret { get; }

    /// <summary>Derives every epoch secret from <paramref name="epochSecret"/> and wipes it.</summary>
    public static EpochSecrets FromEpochSecret(CipherSuite suite, byte[] epochSecret)
    {
        try
        {
            return new EpochSecrets(suite, epochSecret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(epochSecret);
        }
    }

    /// <summary>MLS-Exporter (section 8.5): ExpandWithLabel(DeriveSecret(exporter_secret, label), "exported", Hash(context), length).</summary>
    public byte[] Export(ReadOnlySpan<byte> label, ReadOnlySpan<byte> context, int length)
    {
        byte[] secret = _suite.DeriveSecret(ExporterSecret, label);
        try
        {
            return _suite.ExpandWithLabel(secret, "exported", _suite.Hash(context), length);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    public byte[] Export(string label, ReadOnlySpan<byte> context, int length) =>
        Export(System.Text.Encoding.UTF8.GetBytes(label), context, length);

    /// <summary>The external key pair (section 8.3): KEM.DeriveKeyPair(external_secret); external joiners encrypt to its public key.</summary>
    public (byte[] PrivateKey, byte[] PublicKey) ExternalKeyPair() => _suite.DeriveKeyPair(ExternalSecret);

    /// <summary>
    /// Writes the epoch's secrets for storage, but not encryption_secret: the secret tree holds what is left of it, and
    /// storing the root would let a stolen file derive keys already used and deleted (RFC 9420 section 9.2).
    /// </summary>
    internal void WriteStored(Codec.MlsWriter w)
    {
        foreach (byte[] secret in new[] { SenderDataSecret, ExporterSecret, ExternalSecret, ConfirmationKey, MembershipKey, ResumptionPsk, EpochAuthenticator, InitSecret })
        {
            w.Opaque(secret);
        }
    }

    /// <summary>Reads what <see cref="WriteStored"/> wrote; encryption_secret comes back empty.</summary>
    internal static EpochSecrets ReadStored(CipherSuite suite, ref Codec.MlsReader r)
    {
        var stored = new List<byte[]>(9);
        for (int i = 0; i < 8; i++)
        {
            byte[] secret = r.OpaqueArray();
            if (secret.Length != suite.HashLength)
            {
                throw new Codec.MlsFormatException($"a stored epoch secret has {secret.Length} bytes, not {suite.HashLength}");
            }

            stored.Add(secret);
        }

        stored.Insert(1, []);
        return new EpochSecrets(suite, stored);
    }

    public void Dispose()
    {
        foreach (byte[] secret in new[]
        {
            SenderDataSecret, EncryptionSecret, ExporterSecret, ExternalSecret, ConfirmationKey, MembershipKey,
            ResumptionPsk, EpochAuthenticator, InitSecret,
        })
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }
}
