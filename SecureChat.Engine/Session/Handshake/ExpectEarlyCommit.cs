using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session.Handshake;

/// <summary>
/// The client announced its Commit for the group chosen: the ServerHello waits for it, then goes out with the
/// KeyShare in one flight (one round trip fewer than the ServerHello alone).
/// </summary>
internal sealed class ExpectEarlyCommit(DhGroup group, int iterations, ServerHello answer) : KeyPairSlotState(group)
{
    public override SessionStage Stage => SessionStage.ExchangingKeys;

    public override FrameType? Expected => FrameType.Commit;

    public override HandshakeState Consume(ReadOnlySpan<byte> frame, HandshakeContext context)
    {
        if (frame.Length - WireFormat.FrameHeaderSize != WireFormat.CommitmentSize)
        {
            return Violation("bad Commit");
        }

        context.Transcript.Append(frame);
        ServerHandshake.WriteServerHello(answer, context);
        return ServerHandshake.AnswerCommit(frame, context, this, iterations);
    }
}
