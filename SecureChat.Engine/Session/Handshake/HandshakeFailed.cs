using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session.Handshake;

/// <summary>
/// Terminal: the handshake failed; the session reports <see cref="Failure"/> and sends <see cref="Alert"/>. A client
/// that was answered with a puzzle ends here too, holding the <see cref="Puzzle"/> to solve before it reconnects.
/// </summary>
internal sealed class HandshakeFailed(SessionFailure failure, AlertCode? alert, uint alertDetail, PuzzleMessage? puzzle = null) : HandshakeState
{
    public SessionFailure Failure { get; } = failure;

    public PuzzleMessage? Puzzle { get; } = puzzle;

    public AlertCode? Alert { get; } = alert;

    public uint AlertDetail { get; } = alertDetail;

    public override SessionStage Stage => SessionStage.Failed;

    public override FrameType? Expected => null;
}
