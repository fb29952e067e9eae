using System.Security.Cryptography;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session.Handshake;

/// <summary>Server: ServerAuth sent; waits for the client's identity proof and key confirmation.</summary>
internal sealed class ExpectClientAuth(byte[] transcriptHash, byte[] serverSigned) : HandshakeState
{
    public override SessionStage Stage => SessionStage.Confirming;

    public override FrameType? Expected => FrameType.ClientAuth;

    public override HandshakeState ConsumeRecord(FrameType type, ReadOnlySpan<byte> plaintext, HandshakeContext context)
    {
        AuthCheck peer = Authentication.Verify(context, plaintext, ofClient: true, transcriptHash, serverSigned);
        return peer.Refusal ?? (HandshakeState)new HandshakeComplete(peer.Identity!, peer.Trust);
    }

    public override void Dispose() => CryptographicOperations.ZeroMemory(transcriptHash);
}
