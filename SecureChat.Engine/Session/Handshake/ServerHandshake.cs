using System.Security.Cryptography;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session.Handshake;

/// <summary>
/// The server's side of the v2 handshake (PROTOCOL.md, "Handshake"): ClientHello → ServerHello (or, under load, a
/// Puzzle and the end of the connection), Commit → KeyShare, Reveal (checked against the commitment), then
/// derivation, ServerAuth, and the client's ClientAuth (<see cref="AwaitingDerivation"/>,
/// <see cref="ExpectClientAuth"/>). Each message is validated before the transcript or anything else changes. A
/// client's early Commit (announced in its ClientHello, for the first group it offers) is answered with the
/// ServerHello and the KeyShare in one flight when the server chooses that group, and skipped when it does not.
/// </summary>
internal static class ServerHandshake
{
    /// <summary>Nothing to send until the ClientHello arrives.</summary>
    public static HandshakeState Start() => new ExpectClientHello();

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
            var answer = new ServerHello(WireFormat.Version2, (ushort)group.Id, (uint)iterations, hello.Flags, serverNonce);
            if (hello.CommitFollows && hello.Groups[0] == (ushort)group.Id)
            {
                return new ExpectEarlyCommit(group, iterations, answer); // the ServerHello goes out with the KeyShare
            }

            WriteServerHello(answer, context);
            return new ExpectCommit(group, iterations, skipEarlyCommit: hello.CommitFollows);
        }
    }

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
            WriteServerHello(answer, context);
            return AnswerCommit(frame, context, this, iterations);
        }
    }

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
            return AnswerCommit(frame, context, this, iterations);
        }
    }

    private static void WriteServerHello(ServerHello answer, HandshakeContext context)
    {
        Span<byte> reply = stackalloc byte[ServerHello.Size];
        answer.Write(reply);
        context.WriteHandshake(FrameType.ServerHello, reply);
    }

    /// <summary>The Commit is in the transcript: the server's KeyShare, then the wait for the Reveal.</summary>
    private static HandshakeState AnswerCommit(ReadOnlySpan<byte> frame, HandshakeContext context, KeyPairSlotState slot, int iterations)
    {
        DhKeyPair own = slot.TakeKeyPair(context, slot.Group);
        byte[] nonce = context.NewNonce();
        Span<byte> share = stackalloc byte[KeyShareMessage.Size(slot.Group.ElementSize)];
        KeyShareMessage.Write(share, nonce, own.PublicValue);
        context.WriteHandshake(FrameType.KeyShare, share);
        return new ExpectReveal(own, nonce, frame[WireFormat.FrameHeaderSize..].ToArray(), iterations);
    }

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
}
