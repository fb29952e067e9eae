using System.Security.Cryptography;
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
