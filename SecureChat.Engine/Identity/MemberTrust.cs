using SecureChat.Engine.Session.Trust;

namespace SecureChat.Engine.Identity;

/// <summary>
/// What the members file says about a name on one server: <paramref name="State"/> (New: not pinned before; Known;
/// Verified; Changed: the name is pinned to another identity) and the identity digest on record
/// (<paramref name="PinnedDigest"/>, the old one when Changed, null when New). Immutable.
/// </summary>
public sealed record MemberTrust(TrustState State, byte[]? PinnedDigest);
