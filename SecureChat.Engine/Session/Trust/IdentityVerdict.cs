namespace SecureChat.Engine.Session.Trust;

/// <summary>What the trust store says about a peer's identity: accepted (with how far it is trusted) or refused.</summary>
public sealed record IdentityVerdict(TrustState Trust, string? Refusal = null)
{
    public bool Accepted => Refusal is null;

    public static IdentityVerdict Accept(TrustState trust) => new(trust);

    public static IdentityVerdict Refuse(string why) => new(TrustState.Changed, why);
}
