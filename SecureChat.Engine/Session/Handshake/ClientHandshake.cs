using System.Security.Cryptography;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session.Handshake;

/// <summary>
/// The client's side of the v2 handshake (PROTOCOL.md, "Handshake"): ClientHello, then ServerHello (or a Puzzle)
/// → Commit, KeyShare → Reveal, then derivation, the server's sealed ServerAuth, and the client's ClientAuth
/// (<see cref="AwaitingDerivation"/>, <see cref="ExpectServerAuth"/>). The client commits to its public value
/// before it sees the server's, so neither side can choose its value after seeing the other's. Without a passphrase
/// the Commit for the first group offered goes right behind the ClientHello (the early Commit, one round trip
/// fewer); it stands if the server picks that group, and is replaced by a fresh one if not.
/// </summary>
internal static class ClientHandshake
{
    /// <summary>
    /// Writes the ClientHello (with the puzzle answer when retrying), and the early Commit when it announces one, and
    /// waits for the ServerHello.
    /// </summary>
    public static HandshakeState Start(HandshakeContext context)
    {
        context.ClientNonce = context.Settings.HelloNonce ?? context.NewNonce();
        ClientHello hello = Negotiation.CreateClientHello(context.Settings, context.ClientNonce, context.Settings.PuzzleSolution);
        Span<byte> body = stackalloc byte[hello.Size];
        hello.Write(body);
        context.WriteHandshake(FrameType.ClientHello, body);
        if (Negotiation.EarlyCommitGroup(context.Settings) is not { } first)
        {
            return new ExpectServerHello(context.Settings.AcceptableGroups().First(), early: null);
        }

        // The transcript records the early Commit only once the ServerHello shows it stands (the server chose its group).
        DhKeyPair own = context.TakeOrGenerateKeyPair(null, first);
        byte[] nonce = context.NewNonce();
        Span<byte> commitment = stackalloc byte[WireFormat.CommitmentSize];
        KeySchedule.ComputeCommitment(first.Id, own.PublicValue, nonce, commitment);
        byte[] frame = context.WriteFrame(FrameType.Commit, commitment).ToArray();
        return new ExpectServerHello(first, new EarlyCommit(own, nonce, frame));
    }

    /// <summary>The Commit sent with the ClientHello: the key pair and nonce it commits to, and the frame as sent.</summary>
    internal sealed record EarlyCommit(DhKeyPair Own, byte[] Nonce, byte[] Frame);

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
