using SecureChat.Engine.Crypto;
using SecureChat.Engine.Groups;

namespace SecureChat.Engine.Transport;

/// <summary>
/// Something about a room's or a direct conversation's end-to-end encrypted group that the user must see (PROTOCOL.md
/// 4.9): who added or removed whom, a message dropped and why, sending held and released, a fork and its resync.
/// Exactly one of <see cref="Room"/> and <see cref="Person"/> is set, except for a notice about the stored groups as a
/// whole (neither). Immutable.
/// </summary>
public sealed record GroupEventNotice(GroupNoticeKind Kind, string Text)
{
    /// <summary>The room whose group the notice is about.</summary>
    public string? Room { get; init; }

    /// <summary>The identity fingerprint of the other person of a direct conversation the notice is about.</summary>
    public string? Person { get; init; }

    /// <summary>Added, removed: the identity fingerprint of the member whose commit did it.</summary>
    public string? Actor { get; init; }

    /// <summary>Added, removed, holding: the identity fingerprint of the member added or removed (or waited for).</summary>
    public string? Subject { get; init; }

    internal static GroupEventNotice From(GroupNotice notice) => new(notice.Kind, notice.Text)
    {
        Room = notice.Target.IsRoom && notice.Target.Room.Length > 0 ? notice.Target.Room : null,
        Person = notice.Target.Digest is { } digest ? IdentityFingerprint.FromDigest(digest) : null,
        Actor = notice.Actor is { } actor ? IdentityFingerprint.FromDigest(actor) : null,
        Subject = notice.Subject is { } subject ? IdentityFingerprint.FromDigest(subject) : null,
    };
}
