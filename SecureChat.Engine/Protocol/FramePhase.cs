namespace SecureChat.Engine.Protocol;

/// <summary>When a frame type may arrive, and how it travels (PROTOCOL.md 2 and 7).</summary>
internal enum FramePhase
{
    /// <summary>In the clear, before keys are installed, when the handshake expects it next.</summary>
    ClearHandshake,

    /// <summary>In the clear, at any point before the session is secure (Alert).</summary>
    ClearBeforeSecure,

    /// <summary>Sealed under the new keys as the sender's first record (ServerAuth, ClientAuth); never again after it.</summary>
    SealedHandshake,

    /// <summary>Sealed, once the session is secure.</summary>
    Record,
}
