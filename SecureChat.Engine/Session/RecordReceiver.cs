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
        if (FrameTable.IsClear(type))
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

            bool assigned = FrameTable.TryGet(type, out FrameKind? kind);
            if (session.IsSecure && !assigned)
            {
                session.Violation($"a sealed record of unassigned type 0x{type:X2}");
            }
            else
            {
                Deliver(session, (FrameType)type, kind, plaintext.AsSpan(0, length));
            }

            CryptographicOperations.ZeroMemory(plaintext.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(plaintext);
        }
    }

    /// <summary>Hands an opened record to its consumer, as <see cref="FrameTable"/> says, once its sender and layout are checked.</summary>
    private static void Deliver(SecureSession session, FrameType type, FrameKind? kind, ReadOnlySpan<byte> plaintext)
    {
        if (!session.IsSecure && !session.Handshake.TryCompleteOnServerRecord())
        {
            // Keys are installed but the handshake is not over: only its sealed ServerAuth or ClientAuth may come.
            session.Handshake.OnRecord(type, plaintext);
            return;
        }

        if (kind is { Consumer: RecordConsumer.Handshake })
        {
            session.Violation($"{type} after the handshake");
        }
        else if (kind is null || !kind.MayBeSentBy(client: session.Role == SessionRole.Server)
            || kind.Plaintext?.Invoke(plaintext) == false)
        {
            session.Violation($"malformed or unexpected {type} record");
        }
        else if (kind.Consumer == RecordConsumer.Session)
        {
            OnSessionRecord(session, type, plaintext);
            session.Acks.Opened(type);
        }
        else if (session.Application?.TryConsume(type, plaintext) != true)
        {
            session.Violation($"malformed or unexpected {type} record");
        }
        else
        {
            session.Acks.Opened(type);
        }
    }

    /// <summary>The session's own records (rekey, Close, heartbeat), their layout already checked where it is fixed.</summary>
    private static void OnSessionRecord(SecureSession session, FrameType type, ReadOnlySpan<byte> plaintext)
    {
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
            case FrameType.Close:
                session.ClosedByPeer((AlertCode)plaintext[0], BinaryPrimitives.ReadUInt64BigEndian(plaintext[1..]));
                break;
            case FrameType.Heartbeat:
                break;
            case FrameType.Ack:
                session.Acks.OnAck(BinaryPrimitives.ReadUInt64BigEndian(plaintext));
                break;
            default:
                throw new InvalidOperationException($"{type} is a session record in the frame table but has no handler here");
        }
    }
}
