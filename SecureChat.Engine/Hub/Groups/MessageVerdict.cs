namespace SecureChat.Engine.Hub.Groups;

/// <summary>The hub's decision on a GroupMessage (PROTOCOL.md 4.8): relay it, or answer the sender why not.</summary>
internal enum MessageVerdict
{
    Relay,

    /// <summary>The <c>mls</c> is not one PrivateMessage of content type application: Close 8.</summary>
    Violation,

    NotMember,

    Muted,

    StaleEpoch,
}
