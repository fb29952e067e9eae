namespace SecureChat.Tui.App;

/// <summary>How this side knows a member's identity (<c>/names</c>).</summary>
internal enum MemberSource
{
    /// <summary>A server's own link: the member proved it in the handshake with this server.</summary>
    OwnLink,

    /// <summary>A client's server: the operator, who proved it in the handshake with this client.</summary>
    Operator,

    /// <summary>Another member of the hub: the server announced it and vouches for it.</summary>
    Relayed,
}
