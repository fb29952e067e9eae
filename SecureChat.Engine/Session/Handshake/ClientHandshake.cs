using System.Security.Cryptography;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session.Handshake;

/// <summary>
/// The client's side of the v2 handshake (PROTOCOL.md, "Handshake"): ClientHello, then ServerHello (or a Puzzle)
/// → Commit, KeyShare → Reveal, then derivation, the server's sealed ServerAuth, and the client's ClientAuth
/// (<see cref="AwaitingDerivation"/>, <see cref="ExpectServerAuth"/>). The client commits to its public value
/// before it sees the server's, so neither side can choose its value after seeing the other's.
/// </summary>
internal static class ClientHandshake
{
    /// <summary>Writes the ClientHello (with the puzzle answer when retrying) and waits for the ServerHello.</summary>
    public static HandshakeState Start(HandshakeContext context)
    {
        context.ClientNonce = context.Settings.HelloNonce ?? context.NewNonce();
        ClientHello hello = Negotiation.CreateClientHello(context.Settings, context.ClientNonce, context.Settings.PuzzleSolution);
        Span<byte> body = stackalloc byte[hello.Size];
        hello.Write(body);
        context.WriteHandshake(FrameType.ClientHello, body);
        return new ExpectServerHello(context.Settings.AcceptableGroups().First());
    }

    /// <summary>
    /// Waits for the server's choice, or its puzzle. A key pair for the group it will most likely choose may be
    /// precomputed (not with a passphrase: a CPace pair needs the generator the ServerHello's nonce fixes).
    /// </summary>
    internal sealed class ExpectServerHello(DhGroup likelyGroup) : KeyPairSlotState(likelyGroup)
    {
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

            context.Transcript.Append(frame);
            DhKeyPair own = TakeKeyPair(context, group);
            byte[] nonce = context.NewNonce();
            Span<byte> commitment = stackalloc byte[WireFormat.CommitmentSize];
            KeySchedule.ComputeCommitment(group.Id, own.PublicValue, nonce, commitment);
            context.WriteHandshake(FrameType.Commit, commitment);
            return new ExpectKeyShare(own, nonce);
        }
    }

    /// <summary>Committed; waits for the server's value, then opens the commitment with the Reveal.</summary>
    internal sealed class ExpectKeyShare(DhKeyPair own, byte[] nonce) : HandshakeState
    {
        private DhKeyPair? _own = own;

        public override SessionStage Stage => SessionStage.ExchangingKeys;

        public override FrameType? Expected => FrameType.KeyShare;

        public override HandshakeState Consume(ReadOnlySpan<byte> frame, HandshakeContext context)
        {
            ReadOnlySpan<byte> body = frame[WireFormat.FrameHeaderSize..];
            DhKeyPair key = _own!;
            if (!KeyShareMessage.TrySplit(body, key.Group.ElementSize, out _, out ReadOnlySpan<byte> serverPublic))
            {
                return RejectKeyShare(body, "bad KeyShare");
            }

            // The Reveal depends neither on Z nor on the server's value being valid (it opens a commitment to public
            // values): send it first, and validate Y_s and compute Z in the derivation job, in parallel with the
            // server's own. An invalid Y_s still fails the session before any PBKDF2.
            context.Transcript.Append(frame);
            Span<byte> reveal = stackalloc byte[KeyShareMessage.Size(key.Group.ElementSize)];
            KeyShareMessage.Write(reveal, nonce, key.PublicValue);
            context.WriteHandshake(FrameType.Reveal, reveal);
            _own = null; // the derivation owns it now
            return new AwaitingDerivation(key, serverPublic.ToArray(), context.Transcript.Finish(), context.Iterations);
        }

        public override void Dispose()
        {
            _own?.Dispose();
            _own = null;
            CryptographicOperations.ZeroMemory(nonce);
        }
    }
}
