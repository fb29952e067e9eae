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
        if (type is < (byte)FrameType.Chat or > (byte)FrameType.Close)
        {
            session.Violation($"unexpected message type 0x{type:X2} in a secure session");
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
                session.FailWith(SessionFailure.Create(FailureReason.AuthenticationFailed), AlertCode.ProtocolError);
                return;
            }

            Deliver(session, (FrameType)type, plaintext.AsSpan(0, length));
            CryptographicOperations.ZeroMemory(plaintext.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(plaintext);
        }
    }

    private static void Deliver(SecureSession session, FrameType type, ReadOnlySpan<byte> plaintext)
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
            case FrameType.Close when plaintext.Length == 1:
                session.ClosedByPeer((AlertCode)plaintext[0]);
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
