using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session.Handshake;

/// <summary>
/// Server: waits for the ClientHello; negotiates the version and group (or refuses), asks for a puzzle when the hello
/// gate says so, and otherwise answers with a ServerHello, at once or together with the KeyShare after an early Commit.
/// </summary>
internal sealed class ExpectClientHello : HandshakeState
{
    public override SessionStage Stage => SessionStage.Connected;

    public override FrameType? Expected => FrameType.ClientHello;

    public override HandshakeState Consume(ReadOnlySpan<byte> frame, HandshakeContext context)
    {
        if (!ClientHello.TryParse(frame[WireFormat.FrameHeaderSize..], out ClientHello hello))
        {
            return Violation("bad ClientHello");
        }

        if (Negotiation.TryRefuseClientHello(hello, context.Settings, out DhGroup group) is { } refusal)
        {
            return refusal;
        }

        if (context.Settings.HelloGate?.Check(hello) is { } puzzle)
        {
            Span<byte> puzzleBody = stackalloc byte[PuzzleMessage.Size];
            puzzle.Write(puzzleBody);
            context.WriteFrame(FrameType.Puzzle, puzzleBody);
            return new HandshakeFailed(SessionFailure.Create(FailureReason.PuzzleRequired), alert: null, 0, puzzle);
        }

        int iterations = context.Settings.Iterations;
        byte[] serverNonce = context.NewNonce();
        context.ClientNonce = hello.Nonce;
        if (!context.Agreed(group, iterations, serverNonce))
        {
            return Fail(FailureReason.InvalidPublicKey, AlertCode.HandshakeFailed, "degenerate passphrase generator");
        }

        context.Transcript.Append(frame);
        var answer = new ServerHello(WireFormat.Version, (ushort)group.Id, (uint)iterations, hello.Flags, serverNonce);
        if (hello.CommitFollows && hello.Groups[0] == (ushort)group.Id)
        {
            return new ExpectEarlyCommit(group, iterations, answer); // the ServerHello goes out with the KeyShare
        }

        ServerHandshake.WriteServerHello(answer, context);
        return new ExpectCommit(group, iterations, skipEarlyCommit: hello.CommitFollows);
    }
}
