using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session;

/// <summary>
/// The receive side of a session's frames: gathers whole frames (<see cref="FrameInbox"/>), holds them while the key
/// derivation runs, and routes each one (PROTOCOL.md 2): once secure a clear type ends the session as a lost
/// connection; an Alert before that ends it with the Alert's reason; once keys are installed every other type is a
/// record for <see cref="RecordReceiver"/>; before that, the handshake's expected message. Not thread-safe: used under
/// the session's caller's serialization.
/// </summary>
internal sealed class FrameReceiver(SecureSession session) : IFrameHandler, IDisposable
{
    private readonly FrameInbox _inbox = new();

    public bool CanProcess => !session.IsEnded && !session.KeyDerivationPending;

    public bool IsEnded => session.IsEnded;

    /// <summary>Consumes bytes from the peer: whole frames at once, a partial frame waits for more.</summary>
    public void Receive(ReadOnlySpan<byte> data) => _inbox.Receive(data, this);

    /// <summary>Processes the frames that waited for the key derivation, then frees the inbox if it is empty.</summary>
    public void ResumeHeld()
    {
        _inbox.ProcessHeld(this);
        _inbox.ReleaseIfIdle();
    }

    public void OnFrame(byte type, ReadOnlySpan<byte> frame)
    {
        ReadOnlySpan<byte> body = frame[WireFormat.FrameHeaderSize..];
        if (session.IsSecure && FrameTable.IsClear(type))
        {
            // Once secure only sealed records count: a cleartext Alert (or any clear handshake frame) is something
            // anyone on the path could have written, so it ends nothing with a reason of its author's choosing. Every
            // other type, assigned or not, goes to the record layer, whose MAC decides (PROTOCOL.md 2).
            session.FailWith(SessionFailure.Create(FailureReason.ConnectionLost), alert: null);
        }
        else if (type == (byte)FrameType.Alert)
        {
            if (AlertMessage.TryParse(body, out AlertMessage alert))
            {
                session.FailWith(AlertMapping.FailureFor(alert, session.Role), alert: null);
            }
            else
            {
                session.Violation("bad Alert");
            }
        }
        else if (session.Records.IsInstalled)
        {
            RecordReceiver.Receive(session, type, body);
        }
        else
        {
            session.Handshake.OnFrame(type, frame);
        }
    }

    public void OnFrameTooLarge() => session.FailWith(SessionFailure.Create(FailureReason.FrameTooLarge), AlertCode.ProtocolError);

    public void OnOverflow() => session.Violation("too much data before key confirmation");

    public void Dispose() => _inbox.Dispose();
}
