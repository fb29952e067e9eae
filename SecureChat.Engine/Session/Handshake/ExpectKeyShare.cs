using System.Security.Cryptography;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session.Handshake;

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
