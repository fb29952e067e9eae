namespace SecureChat.Engine.Mls.Framing;

/// <summary>
/// Why a received PublicMessage or PrivateMessage was refused (RFC 9420 sections 6.1-6.3). Each is one failure
/// reason for the layer above; none says more to a peer.
/// </summary>
internal enum UnprotectFailure
{
    None,

    /// <summary>The bytes (sender data, content, auth data) do not parse, or a PrivateMessage's padding is not zero.</summary>
    Malformed,

    /// <summary>The message names another group.</summary>
    WrongGroup,

    /// <summary>The message names another epoch.</summary>
    WrongEpoch,

    /// <summary>Application data in a PublicMessage (section 6.2 forbids it), or content its non-member sender may not send.</summary>
    NotAllowed,

    /// <summary>A member's PublicMessage whose membership tag is not the MAC under this epoch's membership key.</summary>
    BadMembershipTag,

    /// <summary>The sender data of a PrivateMessage does not open under this epoch's sender-data key.</summary>
    SenderDataUnreadable,

    /// <summary>No key for the claimed leaf and generation (outside the tree, already used, or too far ahead).</summary>
    KeyUnavailable,

    /// <summary>The content of a PrivateMessage does not open under the claimed generation's key.</summary>
    ContentUnreadable,

    /// <summary>The sender has no signature key in this group (a blank leaf, an unknown external sender).</summary>
    UnknownSender,

    /// <summary>The signature over FramedContentTBS does not verify under the sender's key.</summary>
    BadSignature,
}
