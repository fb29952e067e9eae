using SecureChat.Engine.Crypto;

namespace SecureChat.Engine.Session.Trust;

/// <summary>The identity a peer proved in the handshake, and the name it asked for.</summary>
public sealed record PeerIdentity(byte[] PublicKey, string Name)
{
    /// <summary>SHA-256 of the public key: what relayed records and presence carry.</summary>
    public byte[] Digest { get; } = IdentityFingerprint.IdentityDigest(PublicKey);

    /// <summary>The display form of <see cref="Digest"/>.</summary>
    public string Fingerprint => IdentityFingerprint.FromDigest(Digest);
}
