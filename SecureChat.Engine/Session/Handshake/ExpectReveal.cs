using System.Security.Cryptography;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session.Handshake;

/// <summary>Waits for the client to open its commitment.</summary>
internal sealed class ExpectReveal(DhKeyPair own, byte[] nonce, byte[] commitment, int iterations) : HandshakeState
{
    private DhKeyPair? _own = own;

    public override SessionStage Stage => SessionStage.ExchangingKeys;

    public override FrameType? Expected => FrameType.Reveal;

    public override HandshakeState Consume(ReadOnlySpan<byte> frame, HandshakeContext context)
    {
        ReadOnlySpan<byte> body = frame[WireFormat.FrameHeaderSize..];
        DhKeyPair key = _own!;
        if (!KeyShareMessage.TrySplit(body, key.Group.ElementSize, out ReadOnlySpan<byte> clientNonce, out ReadOnlySpan<byte> clientPublic))
        {
            return RejectKeyShare(body, "bad Reveal");
        }

        Span<byte> expected = stackalloc byte[WireFormat.CommitmentSize];
        KeySchedule.ComputeCommitment(key.Group.Id, clientPublic, clientNonce, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, commitment))
        {
            return Fail(FailureReason.CommitmentMismatch, AlertCode.HandshakeFailed);
        }

        // The value is validated (range and subgroup) by the derivation job, before any agreement or PBKDF2.
        context.Transcript.Append(frame);
        _own = null; // the derivation owns it now
        return new AwaitingDerivation(key, clientPublic.ToArray(), context.Transcript.Finish(), iterations);
    }

    public override void Dispose()
    {
        _own?.Dispose();
        _own = null;
        CryptographicOperations.ZeroMemory(nonce);
    }
}
