namespace SecureChat.Engine.Protocol;

/// <summary>Who takes a frame's body or a record's plaintext once it is accepted.</summary>
internal enum RecordConsumer
{
    /// <summary>The handshake's current step.</summary>
    Handshake,

    /// <summary>The session itself: the rekey, the heartbeat, the Close.</summary>
    Session,

    /// <summary>The application on top of the session (the chat).</summary>
    Application,
}
