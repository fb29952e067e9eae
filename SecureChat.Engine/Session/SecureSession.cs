using System.Buffers;
using System.Security.Cryptography;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session.Handshake;
using SecureChat.Engine.Session.Trust;

namespace SecureChat.Engine.Session;

/// <summary>
/// One SecureChat v3 session as a pure state machine (PROTOCOL.md): bytes from the peer go in through
/// <see cref="Receive"/>, bytes for the peer come out through <see cref="ExchangeOutput"/>, and what happened comes
/// out through <see cref="DrainEvents"/>. No sockets, no clocks but <see cref="SessionSettings.Time"/>, no UI. It owns
/// the stage, the events, the output and the failure; the handshake (<see cref="SessionHandshake"/> over <see cref="ClientHandshake"/>,
/// <see cref="ServerHandshake"/>), the receive path (<see cref="FrameReceiver"/>, <see cref="RecordReceiver"/>), the
/// record layer (<see cref="RecordLayer"/>), the rekey (<see cref="Rekey"/>), the timers (<see cref="SessionTimers"/>)
/// and the ending (<see cref="SessionEnding"/>) do the rest, and the chat (<see cref="IApplicationRecords"/>) sits on top.
/// </summary>
/// <remarks>
/// Not thread-safe: the transport serializes every call. Every peer message is checked against the current state
/// and verified into locals first; state changes only once a message is fully accepted, and any failure moves the
/// session to the terminal <see cref="SessionStage.Failed"/> stage with one reason. Peer bytes never cause an
/// exception to escape; exceptions are for caller bugs (wrong state, bad arguments). Secrets are wiped when the
/// session ends.
/// </remarks>
internal sealed class SecureSession : IDisposable
{
    private readonly List<SessionEvent> _events = [];
    private readonly SessionOutput _output = new();
    private readonly FrameReceiver _frames;
    private readonly RecordLayer _records;
    private readonly SessionTimers _timers;
    private readonly SessionEnding _ending;
    private readonly SessionHandshake _handshake;
    private readonly SessionAcks _acks;
    private Rekey? _rekey;
    private bool _started;

    public SecureSession(SessionSettings settings)
    {
        Settings = settings;
        _records = new RecordLayer(settings.Role == SessionRole.Client, settings.Time);
        _timers = new SessionTimers(settings);
        _frames = new FrameReceiver(this);
        _ending = new SessionEnding(this, _records, _output);
        _handshake = new SessionHandshake(this);
        _acks = new SessionAcks(this, _records, settings.Time);
        Stage = SessionStage.Connected;
    }

    public SessionSettings Settings { get; }

    public SessionRole Role => Settings.Role;

    public SessionStage Stage { get; private set; }

    public SessionFailure? Failure { get; private set; }

    /// <summary>The fingerprint of the current keys, once secure (kept after the session ends, for display).</summary>
    public string? Fingerprint { get; private set; }

    /// <summary>The short authentication string of the current keys, once secure.</summary>
    public string? Sas { get; private set; }

    public DhGroupId? Group { get; private set; }

    /// <summary>The identity the peer proved in the handshake, once secure.</summary>
    public PeerIdentity? Peer { get; private set; }

    /// <summary>How far this side's trust store trusts <see cref="Peer"/>.</summary>
    public TrustState Trust { get; private set; }

    /// <summary>Client: the puzzle the server answered with instead of a ServerHello (the session then failed).</summary>
    public PuzzleMessage? Puzzle { get; private set; }

    public int Iterations { get; private set; }

    public bool IsSecure => Stage is SessionStage.Secure or SessionStage.Rekeying;

    public bool IsEnded => Stage is SessionStage.Closed or SessionStage.Failed;

    /// <summary>
    /// Client: ClientAuth is sent and the server's next record has not opened yet. The server is secure by now (if it
    /// accepted ClientAuth), so this side ends the session with a sealed Close, not a clear Alert.
    /// </summary>
    internal bool AwaitingServerRecord => _handshake.AwaitingServerRecord;

    /// <summary>True while the session waits for <see cref="DeriveKeys"/> (the costly PBKDF2 step).</summary>
    public bool KeyDerivationPending => _handshake.DerivationPending;

    /// <summary>True when key derivation is pending and nobody has taken its job yet.</summary>
    public bool KeyDerivationReady => _handshake.DerivationReady;

    public bool HasOutput => _output.HasOutput;

    /// <summary>Bytes written for the peer and not yet taken by <see cref="ExchangeOutput"/>.</summary>
    public int PendingOutputBytes => _output.PendingBytes;

    /// <summary>The application on top (the chat); its records are delivered to it once opened.</summary>
    public IApplicationRecords? Application { get; set; }

    internal RecordLayer Records => _records;

    internal Rekey? Rekey => _rekey;

    internal SessionHandshake Handshake => _handshake;

    internal SessionAcks Acks => _acks;

    /// <summary>Hands the bytes written so far to the caller in exchange for an empty buffer (no copy).</summary>
    public ArrayBufferWriter<byte> ExchangeOutput(ArrayBufferWriter<byte> empty) => _output.Exchange(empty);

    /// <summary>With no output pending, drops an output buffer grown past <paramref name="keep"/> bytes (see <see cref="SessionOutput.TrimIfEmpty"/>).</summary>
    public void TrimOutput(int keep) => _output.TrimIfEmpty(keep);

    /// <summary>Moves the events raised since the last call into <paramref name="destination"/>.</summary>
    public void DrainEvents(List<SessionEvent> destination)
    {
        destination.AddRange(_events);
        _events.Clear();
    }

    /// <summary>Client: writes the ClientHello. Server: nothing to send until the ClientHello arrives.</summary>
    public void Start()
    {
        if (_started || IsEnded)
        {
            throw new InvalidOperationException("the session has already started");
        }

        _started = true;
        SetStage(_handshake.Start(_output, _records));
    }

    /// <summary>
    /// Consumes bytes from the peer. Whole frames are processed at once; a partial frame waits for more.
    /// Processing pauses while key derivation is pending and resumes in <see cref="CompleteKeyDerivation"/>.
    /// </summary>
    public void Receive(ReadOnlySpan<byte> data)
    {
        if (!_started)
        {
            throw new InvalidOperationException("call Start first");
        }

        _frames.Receive(data);
        _acks.AckIfDue(); // the hub's one Ack for what this read brought (nothing on a client)
    }

    // ---- Jobs: the costly steps, run by the driver outside its lock -------------------------------------------

    /// <summary>
    /// A Diffie-Hellman key pair the handshake will need next and does not have yet (the client's for the group it
    /// expects, once its ClientHello is out; the server's once its ServerHello is out), as a job a driver can run
    /// while it waits for the network, so key generation leaves the handshake's critical path. Null when none.
    /// </summary>
    public KeyPairJob? BeginKeyPairPrecomputation() => IsEnded ? null : _handshake.BeginKeyPairPrecomputation();

    /// <summary>Takes a precomputed key pair if it is still what the handshake needs; disposes it otherwise.</summary>
    public void CompleteKeyPairPrecomputation(KeyPairJob job) => _handshake.CompleteKeyPairPrecomputation(job);

    /// <summary>Runs the derivation the handshake paused for, in place (<see cref="BeginKeyDerivation"/>, run, complete).</summary>
    public void DeriveKeys()
    {
        KeyDerivationJob job = BeginKeyDerivation();
        job.Run();
        CompleteKeyDerivation(job);
    }

    /// <summary>
    /// Hands the PBKDF2 inputs to a job that runs without touching the session, so a driver can run it outside
    /// its lock (and under its own concurrency limit) while the session stays in <see cref="SessionStage.DerivingKey"/>.
    /// </summary>
    public KeyDerivationJob BeginKeyDerivation() => _handshake.BeginKeyDerivation();

    /// <summary>
    /// Installs the result of <paramref name="job"/>: sub-keys, the server's Finished, then any frames that arrived
    /// meanwhile. Does nothing when the session ended while the job ran. Disposes the job.
    /// </summary>
    public void CompleteKeyDerivation(KeyDerivationJob job)
    {
        if (_handshake.CompleteKeyDerivation(job))
        {
            _frames.ResumeHeld();
            _acks.AckIfDue();
        }
    }

    /// <summary>The next rekey step to run outside the lock (<see cref="RekeyJob"/>), handed out once; null when none.</summary>
    public RekeyJob? TakeRekeyJob() => IsEnded ? null : _rekey?.TakeJob();

    /// <summary>Applies a rekey job's result if the rekey still wants it (writes RekeyInit or RekeyAck); disposes the job.</summary>
    public void CompleteRekeyJob(RekeyJob job)
    {
        if (_rekey is null)
        {
            job.Dispose();
        }
        else
        {
            _rekey.Complete(job);
        }
    }

    // ---- What the driver and the application ask for ---------------------------------------------------------

    /// <summary>
    /// Seals one application record (built by <see cref="Chat.ChatChannel"/>), then starts a rekey by itself when the
    /// keys have been used enough.
    /// </summary>
    public void SealApplication(FrameType type, ReadOnlySpan<byte> plaintext)
    {
        EnsureSecure();
        FrameKind kind = FrameTable.Of(type);
        if (kind.Consumer != RecordConsumer.Application)
        {
            throw new ArgumentException($"{type} is not an application record", nameof(type));
        }

        if (kind.IsChatMessage)
        {
            _ending.ChatMessageSealing();
            if (Role == SessionRole.Client)
            {
                _acks.MessageSealing();
            }
        }

        _records.Seal(type, plaintext, _output, Settings.Random);
        _timers.RekeyIfDue(this, Settings.Time.GetTimestamp());
    }

    /// <summary>Starts a rekey: a fresh ephemeral Diffie-Hellman exchange inside the secure channel. False when one is in progress.</summary>
    public bool RequestRekey()
    {
        EnsureSecure();
        return _rekey!.Request();
    }

    /// <summary>The clock: the idle limit, the heartbeat and the rekey by age or use (<see cref="SessionTimers.OnTick"/>).</summary>
    /// <param name="peerBytesWaiting">The transport holds bytes from the peer it has not read yet: the peer is not idle.</param>
    public void OnTick(long now, bool peerBytesWaiting = false) => _timers.OnTick(this, now, peerBytesWaiting);

    /// <summary>
    /// How long after <paramref name="now"/> <see cref="OnTick"/> next has something to do (an idle peer to drop, a
    /// heartbeat to send, keys old enough to replace); null when the session is not secure.
    /// </summary>
    public TimeSpan? TimersDueIn(long now) =>
        IsSecure ? _timers.NextDue(this, now, rekeyByAge: Stage == SessionStage.Secure && _rekey is { InProgress: false }) : null;

    /// <summary>Ends the session cleanly: a sealed Close record when secure, an Alert before that.</summary>
    public void Close(AlertCode code = AlertCode.Normal) => _ending.Close(code, _started);

    /// <summary>
    /// Fails the session for a reason found outside the protocol (timeout, lost connection, busy server,
    /// slow peer). Tells the peer with an Alert or Close where that still makes sense.
    /// </summary>
    public void Fail(FailureReason reason, string? detail = null) =>
        _ending.Fail(SessionFailure.Create(reason, detail), AlertMapping.CodeFor(reason), 0);

    /// <summary>The peer closed TCP. Ends the session: Failed when it had not said goodbye with Close.</summary>
    public void PeerDisconnected() => FailWith(SessionFailure.Create(FailureReason.ConnectionLost), alert: null);

    public void Dispose() => WipeAll();

    // ---- For the session's parts (handshake, rekey, application) ---------------------------------------------

    internal void Raise(SessionEvent e) => _events.Add(e);

    internal void SetStage(SessionStage stage)
    {
        if (Stage != stage)
        {
            Stage = stage;
            Raise(new StageChangedEvent(stage));
        }
    }

    /// <summary>Seals a record of the session's own (rekey, heartbeat, Close) under the current sending keys.</summary>
    internal void SealControl(FrameType type, ReadOnlySpan<byte> plaintext) => _records.Seal(type, plaintext, _output, Settings.Random);

    /// <summary>Seals a heartbeat; a client's is also a lag probe, answered by the hub's next Ack.</summary>
    internal void SealHeartbeat()
    {
        if (Role == SessionRole.Client)
        {
            _acks.ProbeSealing(Settings.Time.GetTimestamp());
        }

        SealControl(FrameType.Heartbeat, []);
    }

    /// <summary>The keys changed (first established, or a rekey completed on both directions).</summary>
    internal void KeysChanged(bool first)
    {
        Fingerprint = _records.Fingerprint;
        Sas = _records.Sas;
        Raise(first ? new EstablishedEvent(Fingerprint!, Sas!, Peer!, Trust) : new RekeyedEvent(Fingerprint!, Sas!));
    }

    /// <summary>The peer sent Close, saying how many of our records it received: the session ends cleanly.</summary>
    internal void ClosedByPeer(AlertCode code, ulong receivedByPeer) => _ending.ClosedByPeer(code, receivedByPeer);

    internal void Violation(string detail) =>
        FailWith(SessionFailure.Create(FailureReason.ProtocolViolation, detail), AlertCode.ProtocolError);

    internal void FailWith(SessionFailure failure, AlertCode? alert, uint detail = 0) => _ending.Fail(failure, alert, detail);

    /// <summary>The session ends (<see cref="SessionEnding"/>): the terminal stage, its one event, and every secret wiped.</summary>
    internal void End(SessionStage stage, SessionEvent ended, SessionFailure? failure = null)
    {
        Failure = failure ?? Failure;
        SetStage(stage);
        Raise(ended);
        WipeAll();
    }

    // ---- The handshake's outcomes (<see cref="SessionHandshake"/>) ---------------------------------------------

    internal void HandshakeFailed(HandshakeFailed failed)
    {
        Puzzle = failed.Puzzle;
        FailWith(failed.Failure, failed.Alert, failed.AlertDetail);
    }

    /// <summary>The handshake moved on without ending: its stage, and the group and count once negotiated.</summary>
    internal void HandshakeStepped(SessionStage stage, DhGroupId? group, int iterations)
    {
        if (group is { } id)
        {
            Group = id;
            Iterations = iterations;
        }

        SetStage(stage);
    }

    /// <summary>The handshake is complete: the session is secure under its first keys.</summary>
    internal void Established(HandshakeComplete complete, DhGroup group)
    {
        Peer = complete.Peer;
        Trust = complete.Trust;
        _rekey = new Rekey(this, group);
        SetStage(SessionStage.Secure);
        KeysChanged(first: true);
        if (Role == SessionRole.Server)
        {
            // The client says "secure" only once a record sealed after ServerAuth opens (PROTOCOL.md 3.7):
            // this one tells it at once that its ClientAuth was accepted, whatever the application sends.
            SealHeartbeat();
        }
        else
        {
            // The first lag probe: the hub's Ack for it measures the link at once, not a heartbeat interval later.
            SealHeartbeat();
        }
    }

    // ---- Wiping -----------------------------------------------------------------------------------------------

    private void EnsureSecure()
    {
        if (!IsSecure)
        {
            throw new InvalidOperationException($"the session is {Stage}, not secure");
        }
    }

    private void WipeAll()
    {
        _handshake.Dispose();
        _rekey?.Dispose();
        _records.Dispose();
        _frames.Dispose();
    }
}
