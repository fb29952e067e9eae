using System.Buffers.Binary;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session;

/// <summary>
/// How a session ends (PROTOCOL.md 6). Before the peer counts sealed records it is told with a clear Alert; after,
/// with a sealed Close carrying how many of its records this side opened. On the peer's Close, the chat messages this
/// side sealed at or above the peer's count never arrived (<see cref="SentChatRecords"/>). Every way ends in a terminal
/// stage with one event, and the session's secrets wiped. Not thread-safe: used under the session's serialization.
/// </summary>
internal sealed class SessionEnding(SecureSession session, RecordLayer records, SessionOutput output)
{
    private readonly SentChatRecords _sentMessages = new();

    /// <summary>The peer counts only sealed records now: ending the session takes a sealed Close.</summary>
    private bool EndsWithClose => (session.IsSecure || session.AwaitingServerRecord) && records.IsInstalled;

    /// <summary>The record about to be sealed is a chat message (<see cref="FrameKind.IsChatMessage"/>).</summary>
    public void ChatMessageSealing() => _sentMessages.Add(records.SentRecords);

    /// <summary>Ends the session cleanly: a sealed Close record when secure, an Alert before that (if anything was sent).</summary>
    public void Close(AlertCode code, bool started)
    {
        if (session.IsEnded)
        {
            return;
        }

        if (EndsWithClose)
        {
            SealClose(code);
        }
        else if (started)
        {
            output.WriteAlert(code == AlertCode.Normal ? AlertCode.HandshakeFailed : code, 0);
        }

        session.End(SessionStage.Closed, new ClosedEvent(ByPeer: false, code));
    }

    /// <summary>Fails the session with one reason, telling the peer with <paramref name="alert"/> where that still makes sense.</summary>
    public void Fail(SessionFailure failure, AlertCode? alert, uint detail)
    {
        if (session.IsEnded)
        {
            return;
        }

        if (alert is { } code)
        {
            if (EndsWithClose)
            {
                SealClose(code);
            }
            else
            {
                output.WriteAlert(code, detail);
            }
        }

        session.End(SessionStage.Failed, new FailedEvent(failure), failure);
    }

    /// <summary>
    /// The peer sent Close, saying how many of our records it received: the session ends cleanly. A hub's Close 14
    /// (Replaced) also leaves its reason as the session's <see cref="SecureSession.Failure"/>, so a client says the
    /// identity is in use elsewhere and does not reconnect on its own (PROTOCOL.md 6).
    /// </summary>
    public void ClosedByPeer(AlertCode code, ulong receivedByPeer)
    {
        int undelivered = _sentMessages.CountFrom(receivedByPeer, records.SentRecords);
        SessionFailure? reason = code == AlertCode.Replaced && session.Role == SessionRole.Client ? SessionFailure.Create(FailureReason.Replaced) : null;
        session.End(SessionStage.Closed, new ClosedEvent(ByPeer: true, code, undelivered), reason);
    }

    /// <summary>Close: u8 code || u64 records received, so the peer can tell what of its sending never arrived.</summary>
    private void SealClose(AlertCode code)
    {
        Span<byte> body = stackalloc byte[FrameTable.CloseSize];
        body[0] = (byte)code;
        BinaryPrimitives.WriteUInt64BigEndian(body[1..], records.ReceivedRecords);
        session.SealControl(FrameType.Close, body);
    }
}
