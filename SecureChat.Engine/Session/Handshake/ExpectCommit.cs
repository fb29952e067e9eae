using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session.Handshake;

/// <summary>
/// Waits for the client's commitment; the server's key pair may be precomputed meanwhile. A client's early Commit
/// for a group the server did not choose comes first and is skipped (checked for its size only).
/// </summary>
internal sealed class ExpectCommit(DhGroup group, int iterations, bool skipEarlyCommit) : KeyPairSlotState(group)
{
    private bool _skipEarlyCommit = skipEarlyCommit;

    public override SessionStage Stage => SessionStage.ExchangingKeys;

    public override FrameType? Expected => FrameType.Commit;

    public override HandshakeState Consume(ReadOnlySpan<byte> frame, HandshakeContext context)
    {
        if (frame.Length - WireFormat.FrameHeaderSize != WireFormat.CommitmentSize)
        {
            return Violation("bad Commit");
        }

        if (_skipEarlyCommit)
        {
            _skipEarlyCommit = false; // made for the client's first group, not this one: not in the transcript
            return this;
        }

        context.Transcript.Append(frame);
        return ServerHandshake.AnswerCommit(frame, context, this, iterations);
    }
}
