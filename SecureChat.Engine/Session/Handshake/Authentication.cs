using System.Text;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session.Trust;

namespace SecureChat.Engine.Session.Handshake;

/// <summary>
/// ServerAuth and ClientAuth (PROTOCOL.md): identity key || Ed25519 signature || name || finished MAC, sealed as
/// the first record of each direction. The server signs "SecureChat v2 server signature" || TH; the client signs
/// "SecureChat v2 client signature" || TH || the server's signed part, so each proves its identity over the whole
/// exchange (SIGMA). The finished MAC, keyed by the sender's finished key, covers TH and every signed part so far.
/// </summary>
internal static class Authentication
{
    private static readonly byte[] s_serverLabel = Encoding.ASCII.GetBytes("SecureChat v2 server signature");
    private static readonly byte[] s_clientLabel = Encoding.ASCII.GetBytes("SecureChat v2 client signature");

    /// <summary>Seals this side's auth message; returns its signed part (what the peer's proof will cover).</summary>
    public static byte[] Write(HandshakeContext context, FrameType type, byte[] transcriptHash, byte[] peerSigned)
    {
        bool ofClient = context.IsClient;
        byte[] signature = context.Settings.Identity.Sign(SignatureInput(ofClient, transcriptHash, peerSigned));
        byte[] signed = AuthMessage.Signed(context.Settings.Identity.PublicKey, signature, context.Settings.Name);
        byte[] plaintext = new byte[signed.Length + WireFormat.FinishedSize];
        signed.CopyTo(plaintext, 0);
        context.Records.CurrentKeys.ComputeFinished(ofClient, Confirmed(transcriptHash, peerSigned, signed), plaintext.AsSpan(signed.Length));
        context.Seal(type, plaintext);
        return signed;
    }

    /// <summary>
    /// The peer's proof, checked: the finished MAC first (it proves the keys), then the signature, then the trust
    /// store, which may refuse the identity before this side sends anything more.
    /// </summary>
    public static AuthCheck Verify(HandshakeContext context, ReadOnlySpan<byte> plaintext, bool ofClient, byte[] transcriptHash, byte[] earlierSigned)
    {
        if (!AuthMessage.TryParse(plaintext, out AuthMessage message, out int signedLength))
        {
            return AuthCheck.Refused(FailureReason.ProtocolViolation, AlertCode.ProtocolError, ofClient ? "bad ClientAuth" : "bad ServerAuth");
        }

        byte[] signed = plaintext[..signedLength].ToArray();
        if (!context.Records.CurrentKeys.VerifyFinished(ofClient, Confirmed(transcriptHash, earlierSigned, signed), message.Finished))
        {
            return AuthCheck.Refused(FailureReason.KeyConfirmationFailed, AlertCode.KeyConfirmationFailed);
        }

        if (!IdentitySignature.Verify(message.IdentityKey, SignatureInput(ofClient, transcriptHash, earlierSigned), message.Signature))
        {
            return AuthCheck.Refused(FailureReason.IdentityRejected, AlertCode.IdentityRejected, "bad signature");
        }

        var peer = new PeerIdentity(message.IdentityKey, message.Name);
        IdentityVerdict verdict = context.Settings.PeerTrust?.Judge(peer) ?? IdentityVerdict.Accept(TrustState.New);
        return verdict.Accepted
            ? new AuthCheck(null, peer, signed, verdict.Trust)
            : AuthCheck.Refused(FailureReason.IdentityChanged, alert: null, verdict.Refusal);
    }

    private static byte[] SignatureInput(bool ofClient, byte[] transcriptHash, byte[] serverSigned) =>
        ofClient ? [.. s_clientLabel, .. transcriptHash, .. serverSigned] : [.. s_serverLabel, .. transcriptHash];

    private static byte[] Confirmed(byte[] transcriptHash, byte[] earlierSigned, byte[] signed) => [.. transcriptHash, .. earlierSigned, .. signed];
}
