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
    public KeyDerivationJob BeginJob(byte[] passphrase)
    {
        DhKeyPair key = _ownKey ?? throw new InvalidOperationException("the derivation job was already handed out");
        _ownKey = null;
        return new KeyDerivationJob(key, peerPublic, passphrase, _transcriptHash!, iterations);
    }

    /// <summary>Sub-keys from the job's master; the server then sends its Finished first (PROTOCOL.md, "Finished").</summary>
    public HandshakeState Complete(KeyDerivationJob job, HandshakeContext context)
    {
        if (!job.Agreed)
        {
            return Fail(FailureReason.InvalidPublicKey, AlertCode.HandshakeFailed);
        }

        SessionKeys keys = KeySchedule.DeriveSessionKeys(job.Master);
        byte[] hash = _transcriptHash!;
        _transcriptHash = null;
        if (!context.IsClient)
        {
            Span<byte> finished = stackalloc byte[WireFormat.FinishedSize];
            keys.ComputeFinished(ofClient: false, hash, finished);
            context.WriteFrame(FrameType.Finished, finished);
        }

        return new ExpectFinished(keys, hash);
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

/// <summary>Keys are derived; waits for the peer's Finished, the MAC that proves it holds the same keys.</summary>
internal sealed class ExpectFinished(SessionKeys keys, byte[] transcriptHash) : HandshakeState
{
    private SessionKeys? _keys = keys;

    public override SessionStage Stage => SessionStage.Confirming;

    public override FrameType? Expected => FrameType.Finished;

    public override HandshakeState Consume(ReadOnlySpan<byte> frame, HandshakeContext context)
    {
        ReadOnlySpan<byte> body = frame[WireFormat.FrameHeaderSize..];
        if (body.Length != WireFormat.FinishedSize)
        {
            return Violation("bad Finished");
        }

        SessionKeys keys = _keys!;
        if (!keys.VerifyFinished(ofClient: !context.IsClient, transcriptHash, body))
        {
            return Fail(FailureReason.KeyConfirmationFailed, AlertCode.KeyConfirmationFailed);
        }

        if (context.IsClient)
        {
            Span<byte> finished = stackalloc byte[WireFormat.FinishedSize];
            keys.ComputeFinished(ofClient: true, transcriptHash, finished);
            context.WriteFrame(FrameType.Finished, finished);
        }

        _keys = null; // ownership passes to the record layer
        return new HandshakeComplete(keys);
    }

    public override void Dispose()
    {
        _keys?.Dispose();
        _keys = null;
        CryptographicOperations.ZeroMemory(transcriptHash);
    }
}
