using System.Buffers.Binary;
using System.Buffers;
using System.Security.Cryptography;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session;

/// <summary>
/// The receive side of the data path (wireguard-go's <c>receive.go</c>): checks a record's type and size, has the
/// <see cref="RecordLayer"/> authenticate and decrypt it (the MAC first, so a forgery learns nothing), and hands the
/// plaintext to the rekey, the session's Close, or the application. The plaintext is wiped after use. Stateless.
/// </summary>
internal static class RecordReceiver
{
    public static void Receive(SecureSession session, byte type, ReadOnlySpan<byte> body)
    {
        // A clear handshake type once keys are installed is out of place whatever it holds (once secure the session
        // treats it as a lost connection before it gets here). Any other type, assigned or not, is opened first (the
        // MAC covers the type byte): its type decides nothing until its MAC has been checked (PROTOCOL.md 2, 3.7).
        if (FrameTypes.IsClear(type))
        {
            session.Violation($"a clear message (type 0x{type:X2}) after the keys were installed");
            return;
        }

        if (body.Length < RecordProtector.MinSealedSize)
        {
            session.Violation("record too short");
            return;
        }

        byte[] plaintext = ArrayPool<byte>.Shared.Rent(body.Length);
        try
        {
            if (!session.Records.TryOpen(type, body, plaintext, out int length))
            {
                // The first sealed record under freshly derived keys (ServerAuth, ClientAuth) that does not open means
                // the two sides derived different keys: different passphrases (CPace) or someone in the middle. Say
                // so, as the key confirmation it stands for; later, a record that fails is data altered in transit.
                if (session.IsSecure || session.AwaitingServerRecord)
                {
                    session.FailWith(SessionFailure.Create(FailureReason.AuthenticationFailed), AlertCode.ProtocolError);
                }
                else
                {
                    session.FailWith(SessionFailure.Create(FailureReason.KeyConfirmationFailed), AlertCode.KeyConfirmationFailed);
                }

                return;
            }

            if (session.IsSecure && !FrameTypes.IsRecord(type) && type is not ((byte)FrameType.ServerAuth or (byte)FrameType.ClientAuth))
            {
                session.Violation($"a sealed record of unassigned type 0x{type:X2}");
            }
            else
            {
                Deliver(session, (FrameType)type, plaintext.AsSpan(0, length));
            }

            CryptographicOperations.ZeroMemory(plaintext.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(plaintext);
        }
    }

    private static void Deliver(SecureSession session, FrameType type, ReadOnlySpan<byte> plaintext)
    {
        if (!session.IsSecure && !session.TryCompleteOnServerRecord())
        {
            // Keys are installed but the handshake is not over: only its sealed ServerAuth or ClientAuth may come.
            session.OnHandshakeRecord(type, plaintext);
            return;
        }

        switch (type)
        {
            case FrameType.RekeyInit:
                session.Rekey!.OnRekeyInit(plaintext);
                break;
            case FrameType.RekeyAck:
                session.Rekey!.OnRekeyAck(plaintext);
                break;
            case FrameType.RekeyFinish:
                session.Rekey!.OnRekeyFinish(plaintext);
                break;
            case FrameType.Close when plaintext.Length == SecureSession.CloseSize:
                session.ClosedByPeer((AlertCode)plaintext[0], BinaryPrimitives.ReadUInt64BigEndian(plaintext[1..]));
                break;
            case FrameType.Heartbeat when plaintext.IsEmpty:
                break;
            case FrameType.ServerAuth or FrameType.ClientAuth:
                session.Violation($"{type} after the handshake");
                break;
            default:
                if (session.Application?.TryConsume(type, plaintext) != true)
                {
                    session.Violation($"malformed or unexpected {type} record");
                }

                break;
        }
    }
}
