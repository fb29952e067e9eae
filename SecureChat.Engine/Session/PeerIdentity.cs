using SecureChat.Engine.Crypto;
using SecureChat.Engine.Identity;

namespace SecureChat.Engine.Session;

/// <summary>The identity a peer proved in the handshake, and the name it asked for.</summary>
public sealed record PeerIdentity(byte[] PublicKey, string Name)
{
    /// <summary>SHA-256 of the public key: what relayed records and presence carry.</summary>
    public byte[] Digest { get; } = IdentityFingerprint.IdentityDigest(PublicKey);

    /// <summary>The display form of <see cref="Digest"/>.</summary>
    public string Fingerprint => IdentityFingerprint.FromDigest(Digest);
}

/// <summary>What the trust store says about a peer's identity: accepted (with how far it is trusted) or refused.</summary>
public sealed record IdentityVerdict(TrustState Trust, string? Refusal = null)
{
    public bool Accepted => Refusal is null;

    public static IdentityVerdict Accept(TrustState trust) => new(trust);

    public static IdentityVerdict Refuse(string why) => new(TrustState.Changed, why);
}
