using System.Security.Cryptography;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session.Handshake;

/// <summary>
/// The client's side of the v1 handshake (PROTOCOL.md, "Handshake"): ClientHello, then ServerHello → Commit,
/// KeyShare → Reveal, then derivation and Finished (<see cref="AwaitingDerivation"/>, <see cref="ExpectFinished"/>).
/// The client commits to its public value before it sees the server's, so neither side can choose its value after
/// seeing the other's (that keeps the 6-digit SAS a 1-in-a-million chance for a man in the middle).
/// </summary>
internal static class ClientHandshake
{
    /// <summary>Writes the ClientHello and waits for the ServerHello.</summary>
    public static HandshakeState Start(HandshakeContext context)
    {
        ClientHello hello = Negotiation.CreateClientHello(context.Settings);
        Span<byte> body = stackalloc byte[hello.Size];
        hello.Write(body);
        context.WriteHandshake(FrameType.ClientHello, body);
        return new ExpectServerHello(context.Settings.AcceptableGroups().First());
    }

    /// <summary>Waits for the server's choice; a key pair for the group it will most likely choose may be precomputed.</summary>
    internal sealed class ExpectServerHello(DhGroup likelyGroup) : KeyPairSlotState(likelyGroup)
    {
        public override SessionStage Stage => SessionStage.ExchangingKeys;

        public override FrameType? Expected => FrameType.ServerHello;

        public override HandshakeState Consume(ReadOnlySpan<byte> frame, HandshakeContext context)
        {
            if (!ServerHello.TryParse(frame[WireFormat.FrameHeaderSize..], out ServerHello hello))
            {
                return Violation("bad ServerHello");
            }

            if (Negotiation.TryRefuseServerHello(hello, context.Settings, out DhGroup group) is { } refusal)
            {
                return refusal;
            }

            context.Agreed(group, context.Settings.Iterations);
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
            return new AwaitingDerivation(key, serverPublic.ToArray(), context.Transcript.Finish(), context.Settings.Iterations);
        }

        public override void Dispose()
        {
            _own?.Dispose();
            _own = null;
            CryptographicOperations.ZeroMemory(nonce);
        }
    }
}
