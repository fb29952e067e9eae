using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Groups;

/// <summary>
/// Something about a group the user must see (PROTOCOL.md 4.9, "What it shows"): who added or removed whom (identity
/// digests, so a name cannot pass for another), a dropped message and why, holding and releasing, a fork. Immutable.
/// </summary>
internal sealed record GroupNotice(GroupTarget Target, GroupNoticeKind Kind, string Text, byte[]? Actor = null, byte[]? Subject = null);
