using System.Security.Cryptography;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session;

/// <summary>
/// A fresh ephemeral Diffie-Hellman exchange inside the secure channel (PROTOCOL.md, "Rekey"): RekeyInit →
/// RekeyAck → RekeyFinish, each sealed under the current keys. The exponentiations run as <see cref="RekeyJob"/>s
/// outside the session's lock (key generation for RekeyInit; the responder's generation, agreement and derivation
/// for RekeyAck). The initiator's agreement on RekeyAck runs in place: the records that follow the RekeyAck are
/// already under the next keys, so nothing more can be read until it is done. Not thread-safe.
/// </summary>
/// <remarks>
/// If both sides ask at once, the client's request wins: a client that has sent RekeyInit ignores the server's,
/// and a server answers the client's and gives its own up.
/// </remarks>
internal sealed class Rekey(SecureSession session, DhGroup group) : IDisposable
{
    private RekeyState _state;
    private RekeyJob? _pending;
    private RekeyJob? _outstanding;
    private DhKeyPair? _ownKey;
    private byte[]? _ownNonce;
    private long? _lastFinished;

    private enum RekeyState
    {
        None,
        /// <summary>We asked; our key pair is being generated.</summary>
        Preparing,
        /// <summary>We sent RekeyInit and wait for RekeyAck.</summary>
        Initiated,
        /// <summary>The peer asked; our answer is being computed.</summary>
        Responding,
        /// <summary>We answered with RekeyAck and send under the next keys; we wait for RekeyFinish.</summary>
        Responded,
    }

    public bool InProgress => _state != RekeyState.None;

    private bool IsClient => session.Role == SessionRole.Client;

    /// <summary>True when the last rekey ended less than <paramref name="interval"/> ago.</summary>
    private bool Within(TimeSpan interval) =>
        _lastFinished is { } last && session.Settings.Time.GetElapsedTime(last) < interval;

    /// <summary>Starts a rekey; false when one is already in progress or the last one ended less than the minimum interval ago.</summary>
    public bool Request()
    {
        if (_state != RekeyState.None || Within(session.Settings.RekeyMinInterval))
        {
            return false;
        }

        _pending = RekeyJob.Initiate(group, session.Settings.Random);
        _state = RekeyState.Preparing;
        session.SetStage(SessionStage.Rekeying);
        return true;
    }

    /// <summary>The job to run outside the lock next, handed out once; null when none waits.</summary>
    public RekeyJob? TakeJob()
    {
        RekeyJob? job = _pending;
        _pending = null;
        if (job is not null)
        {
            _outstanding = job;
        }

        return job;
    }

    /// <summary>Applies a job's result if the rekey still wants it; disposes the job.</summary>
    public void Complete(RekeyJob job)
    {
        using (job)
        {
            if (job != _outstanding || session.IsEnded)
            {
                return;
            }

            _outstanding = null;
            if (job.Kind == RekeyJobKind.Initiate && _state == RekeyState.Preparing)
            {
                (_ownKey, _ownNonce) = job.TakeOwnKey();
                Span<byte> body = stackalloc byte[KeyShareMessage.Size(group.ElementSize)];
                KeyShareMessage.Write(body, _ownNonce, _ownKey.PublicValue);
                session.SealControl(FrameType.RekeyInit, body);
                _state = RekeyState.Initiated;
            }
            else if (job.Kind == RekeyJobKind.Respond && _state == RekeyState.Responding)
            {
                if (job.NextKeys is null)
                {
                    session.FailWith(SessionFailure.Create(FailureReason.InvalidPublicKey), AlertCode.ProtocolError);
                    return;
                }

                Span<byte> ack = stackalloc byte[KeyShareMessage.Size(group.ElementSize)];
                KeyShareMessage.Write(ack, job.OwnNonce, job.OwnKey!.PublicValue);
                session.SealControl(FrameType.RekeyAck, ack);
                session.Records.SwitchSendOnly(job.TakeNextKeys());
                _state = RekeyState.Responded;
            }
        }
    }

    public void OnRekeyInit(ReadOnlySpan<byte> body)
    {
        if (_state == RekeyState.Initiated && IsClient)
        {
            return; // both asked at once: the client's request wins, and the server answers it instead
        }

        if (_state is RekeyState.Responding or RekeyState.Responded ||
            !KeyShareMessage.TrySplit(body, group.ElementSize, out ReadOnlySpan<byte> peerNonce, out ReadOnlySpan<byte> peerPublic))
        {
            session.Violation("unexpected or malformed RekeyInit");
            return;
        }

        // At most one rekey per RekeyMinInterval: honest peers wait the whole interval, so one that asks again within
        // half of it (leaving room for network delay) is flooding, and each rekey costs this side exponentiations.
        if (Within(session.Settings.RekeyMinInterval / 2))
        {
            session.FailWith(SessionFailure.Create(FailureReason.RekeyTooFrequent), AlertCode.ProtocolError);
            return;
        }

        // A side that had asked too gives its own request up (a client had not sent it yet; a server's is ignored).
        DropOwnRequest();
        _pending = RekeyJob.Respond(group, session.Settings.Random, initiatorIsClient: !IsClient, session.Records.CopyChainKey(), peerNonce.ToArray(), peerPublic.ToArray());
        _state = RekeyState.Responding;
        session.SetStage(SessionStage.Rekeying);
    }

    public void OnRekeyAck(ReadOnlySpan<byte> body)
    {
        if (_state != RekeyState.Initiated || !KeyShareMessage.TrySplit(body, group.ElementSize, out ReadOnlySpan<byte> peerNonce, out ReadOnlySpan<byte> peerPublic))
        {
            session.Violation("unexpected or malformed RekeyAck");
            return;
        }

        using RekeyJob job = RekeyJob.Finish(_ownKey!, _ownNonce!, initiatorIsClient: IsClient, session.Records.CopyChainKey(), peerNonce.ToArray(), peerPublic.ToArray());
        _ownKey = null; // the job owns and wipes them
        _ownNonce = null;
        job.Run();
        if (job.NextKeys is null)
        {
            session.FailWith(SessionFailure.Create(FailureReason.InvalidPublicKey), AlertCode.ProtocolError);
            return;
        }

        session.SealControl(FrameType.RekeyFinish, []);
        session.Records.SwitchBoth(job.TakeNextKeys());
        Finished();
    }

    public void OnRekeyFinish(ReadOnlySpan<byte> body)
    {
        if (!body.IsEmpty || _state != RekeyState.Responded)
        {
            session.Violation("malformed or unexpected RekeyFinish record");
            return;
        }

        session.Records.SwitchReceive();
        Finished();
    }

    public void Dispose()
    {
        DropOwnRequest();
        _pending?.Dispose();
        _pending = null;
        _outstanding = null; // its runner disposes it when it hands it back
    }

    private void Finished()
    {
        _state = RekeyState.None;
        _lastFinished = session.Settings.Time.GetTimestamp();
        session.SetStage(SessionStage.Secure);
        session.KeysChanged(first: false);
    }

    private void DropOwnRequest()
    {
        _ownKey?.Dispose();
        _ownKey = null;
        if (_ownNonce is not null)
        {
            CryptographicOperations.ZeroMemory(_ownNonce);
            _ownNonce = null;
        }

        if (_pending is { Kind: RekeyJobKind.Initiate })
        {
            _pending.Dispose();
            _pending = null;
        }
    }
}
