namespace SecureChat.Engine.Session.Trust;

/// <summary>What the trust files say about a peer's identity key.</summary>
public enum TrustState
{
    /// <summary>Never seen: first contact (trust on first use).</summary>
    New,

    /// <summary>Seen before with this key, never verified out of band.</summary>
    Known,

    /// <summary>Seen before with this key, and the users compared the SAS out of band.</summary>
    Verified,

    /// <summary>A server pinned under another key: refuse, and show both fingerprints (servers only).</summary>
    Changed,
}
