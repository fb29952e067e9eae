using System.Security.Cryptography;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session.Handshake;

/// <summary>Client: keys installed; waits for the server's sealed identity proof and key confirmation.</summary>
internal sealed class ExpectServerAuth(byte[] transcriptHash) : HandshakeState
{
    public override SessionStage Stage => SessionStage.Confirming;

    public override FrameType? Expected => FrameType.ServerAuth;

    public override HandshakeState ConsumeRecord(FrameType type, ReadOnlySpan<byte> plaintext, HandshakeContext context)
    {
        AuthCheck peer = Authentication.Verify(context, plaintext, ofClient: false, transcriptHash, []);
        if (peer.Refusal is { } refusal)
        {
            return refusal;
        }

        Authentication.Write(context, FrameType.ClientAuth, transcriptHash, peer.Signed);
        return new ExpectServerRecord(peer.Identity!, peer.Trust);
    }

    public override void Dispose() => CryptographicOperations.ZeroMemory(transcriptHash);
}
