using SecureChat.Engine.Crypto;

namespace SecureChat.Engine.Session;

/// <summary>How far this side trusts a peer's long-term identity (PROTOCOL.md, "Trust").</summary>
public enum IdentityTrust
{
    /// <summary>First contact: the identity was not known and is remembered from now on.</summary>
    New,

    /// <summary>Seen before, never compared out of band.</summary>
    Known,

    /// <summary>The users compared the SAS out of band and marked it with /verify.</summary>
    Verified,

    /// <summary>A different identity than the one remembered for this server: refused unless accepted deliberately.</summary>
    Changed,
}

/// <summary>The identity a peer proved in the handshake, and the name it asked for.</summary>
public sealed record PeerIdentity(byte[] PublicKey, string Name)
{
    /// <summary>SHA-256 of the public key: what relayed records and presence carry.</summary>
    public byte[] Digest { get; } = IdentityDigest.Compute(PublicKey);

    /// <summary>The display form of <see cref="Digest"/>.</summary>
    public string Fingerprint => IdentityDigest.FormatDigest(Digest);
}

/// <summary>What the trust store says about a peer's identity: accepted (with how far it is trusted) or refused.</summary>
public sealed record IdentityVerdict(IdentityTrust Trust, string? Refusal = null)
{
    public bool Accepted => Refusal is null;

    public static IdentityVerdict Accept(IdentityTrust trust) => new(trust);

    public static IdentityVerdict Refuse(string why) => new(IdentityTrust.Changed, why);
}
