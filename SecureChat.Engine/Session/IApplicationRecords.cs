using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session;

/// <summary>
/// The application on top of a session (the chat, <see cref="Chat.ChatChannel"/>): it receives the plaintext of
/// every application record (Nick, Presence, the group records...) once the session has authenticated and decrypted it.
/// </summary>
internal interface IApplicationRecords
{
    /// <summary>
    /// Consumes one application record, raising events through the session. False when the record is malformed or
    /// not expected here; the session then fails as for any protocol violation. The plaintext is wiped after the call.
    /// </summary>
    bool TryConsume(FrameType type, ReadOnlySpan<byte> plaintext);
}
