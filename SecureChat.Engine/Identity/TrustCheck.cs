using SecureChat.Engine.Crypto;
using SecureChat.Engine.Session.Trust;
namespace SecureChat.Engine.Identity;

/// <summary>
/// The answer of a trust file about one key: the <paramref name="State"/>; the key on record
/// (<paramref name="PinnedKey"/>, the old key when <see cref="TrustState.Changed"/>, null when
/// <see cref="TrustState.New"/>); when it was first seen (UTC date, null when unknown); and, for clients, the last
/// name it used.
/// </summary>
public sealed record TrustCheck(TrustState State, byte[]? PinnedKey, DateOnly? FirstSeen, string? LastName = null)
{
    internal static readonly TrustCheck NewKey = new(TrustState.New, null, null);

    /// <summary>
    /// For a server: the endpoint of the pin this answer comes from when it is not one of the names asked about (the
    /// identity is pinned under another name), or the name pinned to another key when <see cref="TrustState.Changed"/>.
    /// </summary>
    public string? PinnedAs { get; init; }

    /// <summary>The display fingerprint of the key on record, or null when there is none.</summary>
    public string? PinnedFingerprint => PinnedKey is null ? null : IdentityFingerprint.Of(PinnedKey);
}
