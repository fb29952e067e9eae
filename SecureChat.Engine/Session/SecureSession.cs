using System.Buffers;
using System.Security.Cryptography;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session.Handshake;

namespace SecureChat.Engine.Session;

/// <summary>
/// One SecureChat v1 session as a pure state machine (PROTOCOL.md): bytes from the peer go in through
/// <see cref="Receive"/>, bytes for the peer come out through <see cref="ExchangeOutput"/>, and what happened comes
/// out through <see cref="DrainEvents"/>. No sockets, no clocks but <see cref="SessionSettings.Time"/>, no UI. It owns
/// the stage, the events, the output and the failure; the handshake (<see cref="ClientHandshake"/>,
/// <see cref="ServerHandshake"/>), the data path (<see cref="RecordLayer"/>), the rekey (<see cref="Rekey"/>) and the
/// timers (<see cref="SessionTimers"/>) do the rest, and the chat (<see cref="IApplicationRecords"/>) sits on top.
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
    private readonly FrameInbox _inbox = new();
    private readonly RecordLayer _records;
    private readonly SessionTimers _timers;
    private HandshakeContext? _context;
    private HandshakeState? _handshake;
    private Rekey? _rekey;
    private bool _started;
    private bool _processing;

    public SecureSession(SessionSettings settings)
    {
        Settings = settings;
        _records = new RecordLayer(settings.Role == SessionRole.Client, settings.Time);
        _timers = new SessionTimers(settings);
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

    public int Iterations { get; private set; }

    public bool IsSecure => Stage is SessionStage.Secure or SessionStage.Rekeying;

    public bool IsEnded => Stage is SessionStage.Closed or SessionStage.Failed;

    /// <summary>True while the session waits for <see cref="DeriveKeys"/> (the costly PBKDF2 step).</summary>
    public bool KeyDerivationPending => _handshake is AwaitingDerivation;

    /// <summary>True when key derivation is pending and nobody has taken its job yet.</summary>
    public bool KeyDerivationReady => _handshake is AwaitingDerivation { JobReady: true };

    public bool HasOutput => _output.HasOutput;

    /// <summary>Bytes written for the peer and not yet taken by <see cref="ExchangeOutput"/>.</summary>
    public int PendingOutputBytes => _output.PendingBytes;

    /// <summary>The application on top (the chat); its records are delivered to it once opened.</summary>
    public IApplicationRecords? Application { get; set; }

    internal RecordLayer Records => _records;

    /// <summary>Hands the bytes written so far to the caller in exchange for an empty buffer (no copy).</summary>
    public ArrayBufferWriter<byte> ExchangeOutput(ArrayBufferWriter<byte> empty) => _output.Exchange(empty);

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
        _context = new HandshakeContext(Settings, _output);
        _handshake = Role == SessionRole.Client ? ClientHandshake.Start(_context) : ServerHandshake.Start();
        SetStage(_handshake.Stage);
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

        while (!data.IsEmpty && !IsEnded)
        {
            if (_inbox.IsEmpty && !KeyDerivationPending)
            {
                // Fast path: parse straight from the caller's span and keep only a trailing partial frame.
                data = data[ProcessFrames(data)..];
                if (data.IsEmpty || IsEnded)
                {
                    break;
                }
            }

            int taken = _inbox.Append(data);
            if (taken == 0)
            {
                // Only possible while key derivation is pending: an honest peer sends at most a Finished
                // (37 bytes) before it has our Finished, so a full inbox here is abuse.
                Violation("too much data before key confirmation");
                break;
            }

            data = data[taken..];
            ProcessInbox();
        }

        ReleaseInboxIfIdle();
    }

    // ---- Jobs: the costly steps, run by the driver outside its lock -------------------------------------------

    /// <summary>
    /// A Diffie-Hellman key pair the handshake will need next and does not have yet (the client's for the group it
    /// expects, once its ClientHello is out; the server's once its ServerHello is out), as a job a driver can run
    /// while it waits for the network, so key generation leaves the handshake's critical path. Null when none.
    /// </summary>
    public KeyPairJob? BeginKeyPairPrecomputation()
    {
        if (IsEnded || _handshake is not IKeyPairSlot slot || slot.Requested || slot.KeyPair is not null)
        {
            return null;
        }

        slot.Requested = true;
        return new KeyPairJob(slot.Group, Settings.Random);
    }

    /// <summary>Takes a precomputed key pair if it is still what the handshake needs; disposes it otherwise.</summary>
    public void CompleteKeyPairPrecomputation(KeyPairJob job)
    {
        if (job.TakeResult() is not { } pair)
        {
            return;
        }

        if (!IsEnded && _handshake is IKeyPairSlot { KeyPair: null } slot && slot.Group == pair.Group)
        {
            slot.KeyPair = pair;
        }
        else
        {
            pair.Dispose();
        }
    }

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
    public KeyDerivationJob BeginKeyDerivation()
    {
        if (_handshake is not AwaitingDerivation { JobReady: true } awaiting)
        {
            throw new InvalidOperationException("no key derivation is pending");
        }

        return awaiting.BeginJob(Settings.Passphrase);
    }

    /// <summary>
    /// Installs the result of <paramref name="job"/>: sub-keys, the server's Finished, then any frames that arrived
    /// meanwhile. Does nothing when the session ended while the job ran. Disposes the job.
    /// </summary>
    public void CompleteKeyDerivation(KeyDerivationJob job)
    {
        HandshakeState next;
        using (job)
        {
            if (_handshake is not AwaitingDerivation awaiting)
            {
                return;
            }

            next = awaiting.Complete(job, _context!);
        }

        Advance(next);
        ProcessInbox();
        ReleaseInboxIfIdle();
    }

    /// <summary>The next rekey step to run outside the lock (<see cref="RekeyJob"/>), handed out once; null when none.</summary>
    public RekeyJob? TakeRekeyJob() => IsEnded ? null : _rekey?.TakeJob();

    /// <summary>Applies a rekey job's result if the rekey still wants it (writes RekeyInit or RekeyAck); disposes the job.</summary>
    public void CompleteRekeyJob(RekeyJob job)
    {
        if (_rekey is null)
        {
            job.Dispose();
            return;
        }

        _rekey.Complete(job);
    }

    /// <summary>For drivers without threads (tests, tools): runs every pending job in place.</summary>
    public void RunPendingJobs()
    {
        for (int i = 0; i < 8; i++)
        {
            if (KeyDerivationReady)
            {
                DeriveKeys();
            }
            else if (TakeRekeyJob() is { } job)
            {
                job.Run();
                CompleteRekeyJob(job);
            }
            else
            {
                return;
            }
        }
    }

    // ---- What the driver and the application ask for ---------------------------------------------------------

    /// <summary>
    /// Seals one application record (Chat, Nick, Presence; built by <see cref="Chat.ChatChannel"/>), then starts a
    /// rekey by itself when the keys have been used enough.
    /// </summary>
    public void SealApplication(FrameType type, ReadOnlySpan<byte> plaintext)
    {
        EnsureSecure();
        if (type is not (FrameType.Chat or FrameType.Nick or FrameType.Presence))
        {
            throw new ArgumentException($"{type} is not an application record", nameof(type));
        }

        _records.Seal(type, plaintext, _output, Settings.Random);
        OnTick(Settings.Time.GetTimestamp());
    }

    /// <summary>Starts a rekey: a fresh ephemeral Diffie-Hellman exchange inside the secure channel. False when one is in progress.</summary>
    public bool RequestRekey()
    {
        EnsureSecure();
        return _rekey!.Request();
    }

    /// <summary>The clock: starts a rekey when the keys are old or used enough (<see cref="SessionTimers"/>).</summary>
    public void OnTick(long now)
    {
        if (Stage == SessionStage.Secure && _rekey is { InProgress: false } && _timers.RekeyDue(_records, now))
        {
            _rekey.Request();
        }
    }

    /// <summary>Ends the session cleanly: a sealed Close record when secure, an Alert before that.</summary>
    public void Close(AlertCode code = AlertCode.Normal)
    {
        if (IsEnded)
        {
            return;
        }

        if (IsSecure)
        {
            SealControl(FrameType.Close, [(byte)code]);
        }
        else if (_started)
        {
            _output.WriteAlert(code == AlertCode.Normal ? AlertCode.HandshakeFailed : code, 0);
        }

        SetStage(SessionStage.Closed);
        Raise(new ClosedEvent(ByPeer: false, code));
        WipeAll();
    }

    /// <summary>
    /// Fails the session for a reason found outside the protocol (timeout, lost connection, busy server,
    /// slow peer). Tells the peer with an Alert or Close where that still makes sense.
    /// </summary>
    public void Fail(FailureReason reason, string? detail = null) =>
        FailWith(SessionFailure.Create(reason, detail), AlertMapping.CodeFor(reason));

    /// <summary>The peer closed TCP. Ends the session: Failed when it had not said goodbye with Close.</summary>
    public void PeerDisconnected() => FailWith(SessionFailure.Create(FailureReason.ConnectionLost), alert: null);

    public void Dispose()
    {
        WipeAll();
        _inbox.Dispose();
    }

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

    /// <summary>Seals a record of the session's own (rekey, Close) under the current sending keys.</summary>
    internal void SealControl(FrameType type, ReadOnlySpan<byte> plaintext) => _records.Seal(type, plaintext, _output, Settings.Random);

    /// <summary>The keys changed (first established, or a rekey completed on both directions).</summary>
    internal void KeysChanged(bool first)
    {
        Fingerprint = _records.Fingerprint;
        Sas = _records.Sas;
        Raise(first ? new EstablishedEvent(Fingerprint!, Sas!) : new RekeyedEvent(Fingerprint!, Sas!));
    }

    internal void Violation(string detail) =>
        FailWith(SessionFailure.Create(FailureReason.ProtocolViolation, detail), AlertCode.ProtocolError);

    internal void FailWith(SessionFailure failure, AlertCode? alert, uint detail = 0)
    {
        if (IsEnded)
        {
            return;
        }

        if (alert is { } code)
        {
            if (IsSecure && _records.IsInstalled)
            {
                SealControl(FrameType.Close, [(byte)code]);
            }
            else
            {
                _output.WriteAlert(code, detail);
            }
        }

        Failure = failure;
        SetStage(SessionStage.Failed);
        Raise(new FailedEvent(failure));
        WipeAll();
    }

    // ---- Frames in --------------------------------------------------------------------------------------------

    private int ProcessFrames(ReadOnlySpan<byte> buffer)
    {
        int consumed = 0;
        _processing = true;
        try
        {
            while (!IsEnded && !KeyDerivationPending)
            {
                ReadOnlySpan<byte> rest = buffer[consumed..];
                OperationStatus status = FrameInbox.TryReadFrame(rest, out byte type, out int frameLength);
                if (status == OperationStatus.NeedMoreData)
                {
                    break;
                }

                if (status != OperationStatus.Done)
                {
                    FailWith(SessionFailure.Create(FailureReason.FrameTooLarge), AlertCode.ProtocolError);
                    break;
                }

                HandleFrame(type, rest[..frameLength]);
                consumed += frameLength;
            }
        }
        finally
        {
            _processing = false;
        }

        return consumed;
    }

    private void ProcessInbox()
    {
        if (_inbox.IsEmpty)
        {
            return;
        }

        int consumed = ProcessFrames(_inbox.Pending);
        if (IsEnded)
        {
            _inbox.Clear();
            return;
        }

        _inbox.Consume(consumed);
    }

    private void HandleFrame(byte type, ReadOnlySpan<byte> frame)
    {
        ReadOnlySpan<byte> body = frame[WireFormat.FrameHeaderSize..];
        if (type == (byte)FrameType.Alert)
        {
            if (AlertMessage.TryParse(body, out AlertMessage alert))
            {
                FailWith(AlertMapping.FailureFor(alert), alert: null);
            }
            else
            {
                Violation("bad Alert");
            }
        }
        else if (_records.IsInstalled)
        {
            HandleRecord(type, body);
        }
        else if (_handshake?.Expected is not { } expected || type != (byte)expected)
        {
            Violation($"expected {_handshake?.Expected}, got message type 0x{type:X2}");
        }
        else
        {
            Advance(_handshake.Consume(frame, _context!));
        }
    }

    /// <summary>Moves the handshake to its next state: a failure, the established keys, or the next step.</summary>
    private void Advance(HandshakeState next)
    {
        HandshakeState? current = _handshake;
        switch (next)
        {
            case HandshakeFailed failed:
                FailWith(failed.Failure, failed.Alert, failed.AlertDetail);
                break;
            case HandshakeComplete complete:
                current?.Dispose();
                _handshake = null;
                _records.Install(complete.Keys);
                _rekey = new Rekey(this, _context!.Group!);
                _context.Dispose();
                _context = null;
                SetStage(SessionStage.Secure);
                KeysChanged(first: true);
                break;
            default:
                if (next != current)
                {
                    current?.Dispose();
                    _handshake = next;
                    if (_context!.Group is { } group)
                    {
                        Group = group.Id;
                        Iterations = _context.Iterations;
                    }
                }

                SetStage(next.Stage);
                break;
        }
    }

    private void HandleRecord(byte type, ReadOnlySpan<byte> body)
    {
        if (type is < (byte)FrameType.Chat or > (byte)FrameType.Close)
        {
            Violation($"unexpected message type 0x{type:X2} in a secure session");
            return;
        }

        if (body.Length < RecordProtector.MinSealedSize)
        {
            Violation("record too short");
            return;
        }

        byte[] plaintext = ArrayPool<byte>.Shared.Rent(body.Length);
        try
        {
            if (!_records.TryOpen(type, body, plaintext, out int length))
            {
                FailWith(SessionFailure.Create(FailureReason.AuthenticationFailed), AlertCode.ProtocolError);
                return;
            }

            HandlePlaintext((FrameType)type, plaintext.AsSpan(0, length));
            CryptographicOperations.ZeroMemory(plaintext.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(plaintext);
        }
    }

    private void HandlePlaintext(FrameType type, ReadOnlySpan<byte> plaintext)
    {
        switch (type)
        {
            case FrameType.RekeyInit:
                _rekey!.OnRekeyInit(plaintext);
                break;
            case FrameType.RekeyAck:
                _rekey!.OnRekeyAck(plaintext);
                break;
            case FrameType.RekeyFinish:
                _rekey!.OnRekeyFinish(plaintext);
                break;
            case FrameType.Close when plaintext.Length == 1:
                SetStage(SessionStage.Closed);
                Raise(new ClosedEvent(ByPeer: true, (AlertCode)plaintext[0]));
                WipeAll();
                break;
            default:
                if (Application?.TryConsume(type, plaintext) != true)
                {
                    Violation($"malformed or unexpected {type} record");
                }

                break;
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
        _handshake?.Dispose();
        _handshake = null;
        _context?.Dispose();
        _context = null;
        _rekey?.Dispose();
        _records.Dispose();
        if (!_processing)
        {
            _inbox.Dispose();
        }
    }

    private void ReleaseInboxIfIdle()
    {
        if (!_processing)
        {
            _inbox.ReleaseIfEmpty();
        }
    }
}
