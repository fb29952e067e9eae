using SecureChat.Engine.Identity;
using System.Security.Cryptography;
using System.Text;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session.Handshake;

/// <summary>
/// Both public values and the transcript hash are known; the costly derivation (validation of the peer's value,
/// Z, PBKDF2) runs as a <see cref="KeyDerivationJob"/> outside the session's lock. Frames that arrive meanwhile wait.
/// </summary>
internal sealed class AwaitingDerivation(DhKeyPair ownKey, byte[] peerPublic, byte[] transcriptHash, int iterations) : HandshakeState
{
    private DhKeyPair? _ownKey = ownKey;
    private byte[]? _transcriptHash = transcriptHash;

    public override SessionStage Stage => SessionStage.DerivingKey;

    public override FrameType? Expected => null;

    /// <summary>True until the job has been handed out.</summary>
    public bool JobReady => _ownKey is not null;

    /// <summary>Hands the inputs to a job; the job owns the private key from here on and wipes it.</summary>
    public KeyDerivationJob BeginJob()
    {
        DhKeyPair key = _ownKey ?? throw new InvalidOperationException("the derivation job was already handed out");
        _ownKey = null;
        return new KeyDerivationJob(key, peerPublic, _transcriptHash!, iterations);
    }

    /// <summary>
    /// Installs the sub-keys of the job's master in the record layer; the server then proves who it is first, with
    /// its sealed ServerAuth (PROTOCOL.md, "ServerAuth and ClientAuth").
    /// </summary>
    public HandshakeState Complete(KeyDerivationJob job, HandshakeContext context)
    {
        if (!job.Agreed)
        {
            return Fail(FailureReason.InvalidPublicKey, AlertCode.HandshakeFailed);
        }

        byte[] hash = _transcriptHash!;
        _transcriptHash = null;
        context.Records.Install(KeySchedule.DeriveSessionKeys(job.Master));
        if (context.IsClient)
        {
            return new ExpectServerAuth(hash);
        }

        byte[] signed = Authentication.Write(context, FrameType.ServerAuth, hash, []);
        return new ExpectClientAuth(hash, signed);
    }

    public override void Dispose()
    {
        _ownKey?.Dispose();
        _ownKey = null;
        if (_transcriptHash is not null)
        {
            CryptographicOperations.ZeroMemory(_transcriptHash);
        }
    }
}

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

        if (!IdentityKey.Verify(message.IdentityKey, SignatureInput(ofClient, transcriptHash, earlierSigned), message.Signature))
        {
            return AuthCheck.Refused(FailureReason.IdentityRejected, AlertCode.IdentityRejected, "bad signature");
        }

        var peer = new PeerIdentity(message.IdentityKey, message.Name);
        IdentityVerdict verdict = context.Settings.CheckPeerIdentity?.Invoke(peer) ?? IdentityVerdict.Accept(TrustState.New);
        return verdict.Accepted
            ? new AuthCheck(null, peer, signed, verdict.Trust)
            : AuthCheck.Refused(FailureReason.IdentityChanged, alert: null, verdict.Refusal);
    }

    private static byte[] SignatureInput(bool ofClient, byte[] transcriptHash, byte[] serverSigned) =>
        ofClient ? [.. s_clientLabel, .. transcriptHash, .. serverSigned] : [.. s_serverLabel, .. transcriptHash];

    private static byte[] Confirmed(byte[] transcriptHash, byte[] earlierSigned, byte[] signed) => [.. transcriptHash, .. earlierSigned, .. signed];
}

/// <summary>The outcome of checking a peer's auth message: a refusal, or who it is and how far it is trusted.</summary>
internal sealed record AuthCheck(HandshakeFailed? Refusal, PeerIdentity? Identity, byte[] Signed, TrustState Trust)
{
    public static AuthCheck Refused(FailureReason reason, AlertCode? alert, string? detail = null) =>
        new(new HandshakeFailed(SessionFailure.Create(reason, detail), alert, 0), null, [], TrustState.New);
}
