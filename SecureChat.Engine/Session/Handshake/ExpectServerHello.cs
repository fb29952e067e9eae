using System.Security.Cryptography;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session.Handshake;

/// <summary>
/// Waits for the server's choice, or its puzzle. A key pair for the group it will most likely choose may be
/// precomputed (not with a passphrase: a CPace pair needs the generator the ServerHello's nonce fixes).
/// </summary>
internal sealed class ExpectServerHello : KeyPairSlotState
{
    private EarlyCommit? _early;

    public ExpectServerHello(DhGroup likelyGroup, EarlyCommit? early)
        : base(likelyGroup)
    {
        _early = early;
        Requested = early is not null; // the early Commit's pair is made already: nothing to precompute
    }

    public override SessionStage Stage => SessionStage.ExchangingKeys;

    public override FrameType? Expected => FrameType.ServerHello;

    public override bool Expects(byte type) => type is (byte)FrameType.ServerHello or (byte)FrameType.Puzzle;

    public override HandshakeState Consume(ReadOnlySpan<byte> frame, HandshakeContext context)
    {
        ReadOnlySpan<byte> body = frame[WireFormat.FrameHeaderSize..];
        if (frame[0] == (byte)FrameType.Puzzle)
        {
            return PuzzleMessage.TryParse(body, out PuzzleMessage puzzle)
                ? new HandshakeFailed(SessionFailure.Create(FailureReason.PuzzleRequired), alert: null, 0, puzzle)
                : Violation("bad Puzzle");
        }

        if (!ServerHello.TryParse(body, out ServerHello hello))
        {
            return Violation("bad ServerHello");
        }

        if (Negotiation.TryRefuseServerHello(hello, context.Settings, out DhGroup group) is { } refusal)
        {
            return refusal;
        }

        if (!context.Agreed(group, (int)hello.Iterations, hello.Nonce))
        {
            return Fail(FailureReason.InvalidPublicKey, AlertCode.HandshakeFailed, "degenerate passphrase generator");
        }

        if (_early is { } early && early.Own.Group == group)
        {
            // The server chose the group of the early Commit: it stands, recorded where it went on the wire.
            context.Transcript.Append(early.Frame);
            context.Transcript.Append(frame);
            _early = null; // the next state owns its key pair and nonce now
            return new ExpectKeyShare(early.Own, early.Nonce);
        }

        // Another group (or no early Commit): the server skips the early one; a fresh Commit for its group.
        context.Transcript.Append(frame);
        DhKeyPair own = TakeKeyPair(context, group);
        byte[] nonce = context.NewNonce();
        Span<byte> commitment = stackalloc byte[WireFormat.CommitmentSize];
        KeySchedule.ComputeCommitment(group.Id, own.PublicValue, nonce, commitment);
        context.WriteHandshake(FrameType.Commit, commitment);
        return new ExpectKeyShare(own, nonce);
    }

    public override void Dispose()
    {
        base.Dispose();
        if (_early is { } early)
        {
            early.Own.Dispose();
            CryptographicOperations.ZeroMemory(early.Nonce);
            _early = null;
        }
    }
}
