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

    /// <summary>Writes the ServerHello the steps agreed on.</summary>
    internal static void WriteServerHello(ServerHello answer, HandshakeContext context)
    {
        Span<byte> reply = stackalloc byte[ServerHello.Size];
        answer.Write(reply);
        context.WriteHandshake(FrameType.ServerHello, reply);
    }

    /// <summary>The Commit is in the transcript: the server's KeyShare, then the wait for the Reveal.</summary>
    internal static HandshakeState AnswerCommit(ReadOnlySpan<byte> frame, HandshakeContext context, KeyPairSlotState slot, int iterations)
    {
        DhKeyPair own = slot.TakeKeyPair(context, slot.Group);
        byte[] nonce = context.NewNonce();
        Span<byte> share = stackalloc byte[KeyShareMessage.Size(slot.Group.ElementSize)];
        KeyShareMessage.Write(share, nonce, own.PublicValue);
        context.WriteHandshake(FrameType.KeyShare, share);
        return new ExpectReveal(own, nonce, frame[WireFormat.FrameHeaderSize..].ToArray(), iterations);
    }
}
