using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session.Handshake;

namespace SecureChat.Engine.Session;

/// <summary>
/// The handshake phase of one <see cref="SecureSession"/> (PROTOCOL.md 3): owns the <see cref="HandshakeDriver"/>
/// from <see cref="SecureSession.Start"/> until the keys are established, hands it the clear frames and the sealed
/// handshake records it expects, completes the costly jobs (key pair, PBKDF2) a driver ran outside its lock, and
/// tells the session what each next state means: a failure, the established keys, or the next step.
/// </summary>
/// <remarks>Not thread-safe: the session's caller serializes every call.</remarks>
internal sealed class SessionHandshake(SecureSession session) : IDisposable
{
    private HandshakeDriver? _driver;

    /// <summary>Client: ClientAuth is sent and the server's next record has not opened yet.</summary>
    public bool AwaitingServerRecord => _driver?.State is ExpectServerRecord;

    public bool DerivationPending => _driver?.DerivationPending == true;

    public bool DerivationReady => _driver?.DerivationReady == true;

    /// <summary>Creates the driver (a client writes its ClientHello) and returns the stage it starts in.</summary>
    public SessionStage Start(SessionOutput output, RecordLayer records)
    {
        _driver = new HandshakeDriver(session.Settings, output, records);
        return _driver.State.Stage;
    }

    public KeyPairJob? BeginKeyPairPrecomputation() => _driver?.BeginKeyPairPrecomputation();

    /// <summary>Takes a precomputed key pair if it is still what the handshake needs; disposes it otherwise.</summary>
    public void CompleteKeyPairPrecomputation(KeyPairJob job)
    {
        if (job.TakeResult() is not { } pair)
        {
            return;
        }

        if (session.IsEnded || _driver is null)
        {
            pair.Dispose();
        }
        else
        {
            _driver.CompleteKeyPairPrecomputation(pair);
        }
    }

    public KeyDerivationJob BeginKeyDerivation() =>
        (_driver ?? throw new InvalidOperationException("no key derivation is pending")).BeginKeyDerivation();

    /// <summary>Installs a derivation's result; false when the session ended while the job ran. Disposes the job.</summary>
    public bool CompleteKeyDerivation(KeyDerivationJob job)
    {
        HandshakeState? next;
        using (job)
        {
            next = _driver?.CompleteKeyDerivation(job);
        }

        if (next is null)
        {
            return false;
        }

        Advance(next);
        return true;
    }

    /// <summary>A clear handshake frame, before keys are installed (<see cref="FrameReceiver"/>): the expected one advances.</summary>
    public void OnFrame(byte type, ReadOnlySpan<byte> frame)
    {
        if (_driver is null || !_driver.Expects(type))
        {
            session.Violation($"expected {_driver?.Expected}, got message type 0x{type:X2}");
            return;
        }

        Advance(_driver.Consume(frame));
    }

    /// <summary>A sealed handshake record (ServerAuth, ClientAuth) opened by the record layer.</summary>
    public void OnRecord(FrameType type, ReadOnlySpan<byte> plaintext)
    {
        if (_driver is null || !_driver.Expects((byte)type))
        {
            session.Violation($"unexpected {type} record");
            return;
        }

        Advance(_driver.ConsumeRecord(type, plaintext));
    }

    /// <summary>
    /// Client: a record of the server's opened while it waited for one after ClientAuth (<see cref="ExpectServerRecord"/>):
    /// the server accepted ClientAuth, so the session is secure now, and the record is then handled as a secure one.
    /// False when the handshake is not waiting for that.
    /// </summary>
    public bool TryCompleteOnServerRecord()
    {
        if (_driver?.State is not ExpectServerRecord waiting)
        {
            return false;
        }

        Advance(new HandshakeComplete(waiting.Peer, waiting.Trust));
        return true;
    }

    public void Dispose()
    {
        _driver?.Dispose();
        _driver = null;
    }

    /// <summary>Acts on the handshake's next state: a failure, the established keys, or the next step.</summary>
    private void Advance(HandshakeState next)
    {
        switch (next)
        {
            case HandshakeFailed failed:
                session.HandshakeFailed(failed);
                break;
            case HandshakeComplete complete:
                var group = _driver!.Group!;
                Dispose();
                session.Established(complete, group);
                break;
            default:
                session.HandshakeStepped(next.Stage, _driver!.Group?.Id, _driver.Iterations);
                break;
        }
    }
}
