using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session;

/// <summary>
/// A server's admission check on each ClientHello (PROTOCOL.md, "Puzzle"): under load, a ClientHello without a
/// valid answer gets a stateless puzzle instead of a ServerHello. Called under the session's lock; must be cheap
/// (one hash to verify an answer) and thread-safe across sessions.
/// </summary>
internal interface IHelloGate
{
    /// <summary>Null to proceed with the handshake; otherwise the puzzle to send before the connection ends.</summary>
    PuzzleMessage? Check(ClientHello hello);
}
