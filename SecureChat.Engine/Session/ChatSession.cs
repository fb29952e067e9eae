using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session;

/// <summary>
/// One SecureChat v1 session as a pure state machine (PROTOCOL.md): bytes from the peer go in through
/// <see cref="Receive"/>, bytes for the peer come out through <see cref="ExchangeOutput"/>, and what happened
/// comes out through <see cref="DrainEvents"/>. No sockets, no clocks but <see cref="SessionSettings.Time"/>, no UI.
/// </summary>
/// <remarks>
/// Not thread-safe: the transport serializes every call. Every peer message is checked against the current
/// state and verified into locals first; state changes only once a message is fully accepted, and any
/// failure moves the session to the terminal <see cref="SessionStage.Failed"/> stage with one reason.
/// Peer bytes never cause an exception to escape; exceptions are for caller bugs (wrong state, bad arguments).
/// </remarks>
internal sealed class ChatSession : IDisposable
{
    private const int InboxSize = WireFormat.FrameHeaderSize + WireFormat.FrameBodyMax;

    private readonly SessionSettings _settings;
    private readonly List<SessionEvent> _events = [];
    private ArrayBufferWriter<byte> _output = new(256);
    private byte[]? _inbox;
    private int _inboxCount;
    private bool _processing;

    // Handshake state: set step by step, wiped once keys are confirmed.
    private FrameType _expected;
    private IncrementalHash? _transcript;
    private DhGroup? _group;
    private int _iterations;
    private DhKeyPair? _keyPair;
    private byte[]? _localNonce;
    private byte[]? _peerCommitment;
    private byte[]? _peerPublic;
    private byte[]? _transcriptHash;

    // Record state.
    private SessionKeys? _keys;
    private RecordProtector? _sendProtector;
    private RecordProtector? _receiveProtector;
    private ulong _sendSequence;
    private ulong _receiveSequence;
    private long _sentSinceKeys;
    private long _keysSince;

    // Rekey state (PROTOCOL.md, "Rekey").
    private DhKeyPair? _rekeyKeyPair;
    private byte[]? _rekeyNonce;
    private SessionKeys? _pendingKeys;
    private RekeyState _rekey;
    private bool _keyPairRequested;

    public ChatSession(SessionSettings settings)
    {
        _settings = settings;
        Stage = SessionStage.Connected;
        _expected = settings.Role == SessionRole.Server ? FrameType.ClientHello : FrameType.ServerHello;
    }

    private enum RekeyState
    {
        None,
        /// <summary>We sent RekeyInit and wait for RekeyAck.</summary>
        Initiated,
        /// <summary>We answered with RekeyAck and switched our sending keys; we wait for RekeyFinish.</summary>
        Responded,
    }

    public SessionRole Role => _settings.Role;

    public SessionStage Stage { get; private set; }

    public SessionFailure? Failure { get; private set; }

    /// <summary>The fingerprint of the current keys, once secure.</summary>
    public string? Fingerprint { get; private set; }

    /// <summary>The short authentication string of the current keys, once secure.</summary>
    public string? Sas { get; private set; }

    public DhGroupId? Group => _group?.Id;

    public int Iterations => _iterations;

    public bool IsSecure => Stage is SessionStage.Secure or SessionStage.Rekeying;

    public bool IsEnded => Stage is SessionStage.Closed or SessionStage.Failed;

    /// <summary>True while the session waits for <see cref="DeriveKeys"/> (the costly PBKDF2 step).</summary>
    public bool KeyDerivationPending => Stage == SessionStage.DerivingKey;

    /// <summary>True when key derivation is pending and nobody has taken its job yet.</summary>
    public bool KeyDerivationReady => KeyDerivationPending && _keyPair is not null;

    /// <summary>
    /// A Diffie-Hellman key pair this session will need next and does not have yet (the client's for the group it
    /// expects, once its ClientHello is out; the server's once its ServerHello is out), as a job a driver can run
    /// while it waits for the network, so key generation leaves the handshake's critical path. Null when none.
    /// </summary>
    public KeyPairJob? BeginKeyPairPrecomputation()
    {
        DhGroup? group = (Role, _expected) switch
        {
            (SessionRole.Client, FrameType.ServerHello) when Stage == SessionStage.ExchangingKeys => _settings.AcceptableGroups().First(),
            (SessionRole.Server, FrameType.Commit) => _group,
            _ => null,
        };
        if (group is null || _keyPair is not null || _keyPairRequested)
        {
            return null;
        }

        _keyPairRequested = true;
        return new KeyPairJob(group, _settings.Random);
    }

    /// <summary>Takes a precomputed key pair if it is still what the session needs; disposes it otherwise.</summary>
    public void CompleteKeyPairPrecomputation(KeyPairJob job)
    {
        DhKeyPair? pair = job.TakeResult();
        if (pair is null)
        {
            return;
        }

        bool wanted = !IsEnded && _keyPair is null && _expected is (FrameType.ServerHello or FrameType.Commit);
        if (wanted)
        {
            _keyPair = pair;
        }
        else
        {
            pair.Dispose();
        }
    }

    public bool HasOutput => _output.WrittenCount > 0;

    /// <summary>Bytes written for the peer and not yet taken by <see cref="ExchangeOutput"/>.</summary>
    public int PendingOutputBytes => _output.WrittenCount;

    /// <summary>
    /// Hands the bytes written so far to the caller in exchange for an empty buffer (no copy).
    /// </summary>
    public ArrayBufferWriter<byte> ExchangeOutput(ArrayBufferWriter<byte> empty)
    {
        if (empty.WrittenCount != 0)
        {
            throw new ArgumentException("the replacement buffer must be empty", nameof(empty));
        }

        ArrayBufferWriter<byte> full = _output;
        _output = empty;
        return full;
    }

    /// <summary>Moves the events raised since the last call into <paramref name="destination"/>.</summary>
    public void DrainEvents(List<SessionEvent> destination)
    {
        destination.AddRange(_events);
        _events.Clear();
    }

    /// <summary>Client: writes the ClientHello. Server: nothing to send until the ClientHello arrives.</summary>
    public void Start()
    {
        if (Stage != SessionStage.Connected)
        {
            throw new InvalidOperationException("the session has already started");
        }

        _transcript = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        if (Role == SessionRole.Client)
        {
            ushort[] groups = [.. _settings.AcceptableGroups().Select(g => (ushort)g.Id)];
            var hello = new ClientHello([WireFormat.Version1], groups, (uint)_settings.Iterations);
            Span<byte> body = stackalloc byte[hello.Size];
            hello.Write(body);
            WriteHandshake(FrameType.ClientHello, body);
            SetStage(SessionStage.ExchangingKeys);
        }
    }

    /// <summary>
    /// Consumes bytes from the peer. Whole frames are processed at once; a partial frame waits for more.
    /// Processing pauses while key derivation is pending and resumes in <see cref="DeriveKeys"/>.
    /// </summary>
    public void Receive(ReadOnlySpan<byte> data)
    {
        if (Stage == SessionStage.Connected && _transcript is null)
        {
            throw new InvalidOperationException("call Start first");
        }

        while (!data.IsEmpty && !IsEnded)
        {
            if (_inboxCount == 0 && !KeyDerivationPending)
            {
                // Fast path: parse straight from the caller's span and keep only a trailing partial frame.
                int consumed = ProcessFrames(data);
                data = data[consumed..];
                if (data.IsEmpty || IsEnded)
                {
                    break;
                }
            }

            _inbox ??= ArrayPool<byte>.Shared.Rent(InboxSize);
            int take = Math.Min(data.Length, InboxSize - _inboxCount);
            if (take == 0)
            {
                // Only possible while key derivation is pending: an honest peer sends at most a Finished
                // (37 bytes) before it has our Finished, so a full inbox here is abuse.
                Violation("too much data before key confirmation");
                break;
            }

            data[..take].CopyTo(_inbox.AsSpan(_inboxCount));
            _inboxCount += take;
            data = data[take..];
            ProcessInbox();
        }

        ReleaseInboxIfEmpty();
    }

    /// <summary>
    /// Runs the costly step (PBKDF2, then HKDF) that the handshake paused for, sends what follows, and
    /// processes any frames that arrived meanwhile. Same as <see cref="BeginKeyDerivation"/>, running the job,
    /// and <see cref="CompleteKeyDerivation"/>.
    /// </summary>
    public void DeriveKeys()
    {
        using KeyDerivationJob job = BeginKeyDerivation();
        job.Run();
        CompleteKeyDerivation(job);
    }

    /// <summary>
    /// Hands the PBKDF2 inputs to a job that runs without touching the session, so a driver can run it outside
    /// its lock (and under its own concurrency limit) while the session stays in <see cref="SessionStage.DerivingKey"/>.
    /// </summary>
    public KeyDerivationJob BeginKeyDerivation()
    {
        if (!KeyDerivationReady)
        {
            throw new InvalidOperationException("no key derivation is pending");
        }

        var job = new KeyDerivationJob(_keyPair!, _peerPublic!, _settings.Passphrase, _transcriptHash!, _iterations);
        _keyPair = null; // the job owns it now and wipes it
        _peerPublic = null;
        return job;
    }

    /// <summary>
    /// Installs the result of <paramref name="job"/>: sub-keys, the server's Finished, then any frames that arrived
    /// meanwhile. Does nothing when the session ended while the job ran. Disposes the job.
    /// </summary>
    public void CompleteKeyDerivation(KeyDerivationJob job)
    {
        using (job)
        {
            if (Stage != SessionStage.DerivingKey)
            {
                return;
            }

            if (!job.Agreed)
            {
                FailWith(SessionFailure.Create(FailureReason.InvalidPublicKey), AlertCode.HandshakeFailed);
                return;
            }

            _keys = KeySchedule.DeriveSessionKeys(job.Master);
        }

        SetStage(SessionStage.Confirming);
        _expected = FrameType.Finished;
        if (Role == SessionRole.Server)
        {
            Span<byte> finished = stackalloc byte[WireFormat.FinishedSize];
            HMACSHA256.HashData(_keys.ServerFinished, _transcriptHash, finished);
            WriteFrame(FrameType.Finished, finished);
        }

        ProcessInbox();
        ReleaseInboxIfEmpty();
    }

    /// <summary>Seals one chat message. Returns false when the text is too long for one record.</summary>
    public bool SendChat(string sender, string text)
    {
        EnsureSecure();
        if (!RecordPayload.IsValidName(sender) && sender.Length != 0)
        {
            throw new ArgumentException("a sender name is at most 64 bytes of UTF-8", nameof(sender));
        }

        if (RecordPayload.StrictUtf8.GetByteCount(text) > WireFormat.ChatTextMax)
        {
            return false;
        }

        byte[] plaintext = ArrayPool<byte>.Shared.Rent(WireFormat.RecordPlaintextMax);
        try
        {
            int length = RecordPayload.WriteChat(plaintext, sender, text);
            SealRecord(FrameType.Chat, plaintext.AsSpan(0, length));
            CryptographicOperations.ZeroMemory(plaintext.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(plaintext);
        }

        MaybeStartAutomaticRekey();
        return true;
    }

    /// <summary>Tells the peer our display name (1-64 bytes of UTF-8).</summary>
    public void SendNick(string name)
    {
        EnsureSecure();
        if (!RecordPayload.IsValidName(name))
        {
            throw new ArgumentException("a name is 1 to 64 bytes of UTF-8", nameof(name));
        }

        Span<byte> plaintext = stackalloc byte[WireFormat.NameMax * 4];
        SealRecord(FrameType.Nick, plaintext[..RecordPayload.WriteNick(plaintext, name)]);
    }

    /// <summary>Hub only: tells a client that another peer joined, left or was renamed.</summary>
    public void SendPresence(PresenceKind kind, string name, string newName = "")
    {
        EnsureSecure();
        Span<byte> plaintext = stackalloc byte[3 + 2 * WireFormat.NameMax * 4];
        SealRecord(FrameType.Presence, plaintext[..RecordPayload.WritePresence(plaintext, kind, name, newName)]);
    }

    /// <summary>
    /// Starts a rekey: a fresh ephemeral Diffie-Hellman exchange inside the secure channel. Returns false
    /// when one is already in progress.
    /// </summary>
    public bool RequestRekey()
    {
        EnsureSecure();
        if (_rekey != RekeyState.None)
        {
            return false;
        }

        _rekeyKeyPair = DiffieHellman.GenerateKeyPair(_group!, _settings.Random);
        _rekeyNonce = new byte[WireFormat.NonceSize];
        _settings.Random.Fill(_rekeyNonce);
        Span<byte> body = stackalloc byte[KeyShareMessage.Size(_group!.ElementSize)];
        KeyShareMessage.Write(body, _rekeyNonce, _rekeyKeyPair.PublicValue);
        SealRecord(FrameType.RekeyInit, body);
        _rekey = RekeyState.Initiated;
        SetStage(SessionStage.Rekeying);
        return true;
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
            SealRecord(FrameType.Close, [(byte)code]);
        }
        else if (_transcript is not null)
        {
            WriteAlert(code == AlertCode.Normal ? AlertCode.HandshakeFailed : code, 0);
        }

        SetStage(SessionStage.Closed);
        _events.Add(new ClosedEvent(ByPeer: false, code));
        WipeAll();
    }

    /// <summary>
    /// Fails the session for a reason found outside the protocol (timeout, lost connection, busy server,
    /// slow peer). Tells the peer with an Alert or Close where that still makes sense.
    /// </summary>
    public void Fail(FailureReason reason, string? detail = null)
    {
        if (IsEnded)
        {
            return;
        }

        AlertCode code = reason switch
        {
            FailureReason.HandshakeTimeout => AlertCode.Timeout,
            FailureReason.ServerBusy => AlertCode.ServerBusy,
            FailureReason.ServerShuttingDown => AlertCode.ServerShuttingDown,
            _ => AlertCode.ProtocolError,
        };
        FailWith(SessionFailure.Create(reason, detail), reason is FailureReason.ConnectionLost or FailureReason.ConnectionFailed ? null : code);
    }

    /// <summary>The peer closed TCP. Ends the session: Failed when it had not said goodbye with Close.</summary>
    public void PeerDisconnected()
    {
        if (!IsEnded)
        {
            FailWith(SessionFailure.Create(FailureReason.ConnectionLost), alert: null);
        }
    }

    public void Dispose()
    {
        WipeAll();
        ReleaseInbox();
    }

    private int ProcessFrames(ReadOnlySpan<byte> buffer)
    {
        int consumed = 0;
        _processing = true;
        try
        {
            while (!IsEnded && !KeyDerivationPending)
            {
                ReadOnlySpan<byte> rest = buffer[consumed..];
                OperationStatus status = FrameHeader.TryRead(rest, out byte type, out int bodyLength);
                if (status == OperationStatus.NeedMoreData)
                {
                    break;
                }

                if (status != OperationStatus.Done)
                {
                    FailWith(SessionFailure.Create(FailureReason.FrameTooLarge), AlertCode.ProtocolError);
                    break;
                }

                int frameLength = WireFormat.FrameHeaderSize + bodyLength;
                if (rest.Length < frameLength)
                {
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
        if (_inbox is null || _inboxCount == 0)
        {
            return;
        }

        int consumed = ProcessFrames(_inbox.AsSpan(0, _inboxCount));
        if (IsEnded)
        {
            _inboxCount = 0;
            return;
        }

        if (consumed > 0)
        {
            _inbox.AsSpan(consumed, _inboxCount - consumed).CopyTo(_inbox);
            _inboxCount -= consumed;
        }
    }

    private void HandleFrame(byte type, ReadOnlySpan<byte> frame)
    {
        ReadOnlySpan<byte> body = frame[WireFormat.FrameHeaderSize..];
        if (type == (byte)FrameType.Alert)
        {
            HandleAlert(body);
            return;
        }

        if (IsSecure)
        {
            HandleRecord(type, body);
            return;
        }

        if (type != (byte)_expected)
        {
            Violation($"expected {_expected}, got message type 0x{type:X2}");
            return;
        }

        switch (_expected)
        {
            case FrameType.ClientHello:
                ConsumeClientHello(frame, body);
                break;
            case FrameType.ServerHello:
                ConsumeServerHello(frame, body);
                break;
            case FrameType.Commit:
                ConsumeCommit(frame, body);
                break;
            case FrameType.KeyShare:
                ConsumeKeyShare(frame, body);
                break;
            case FrameType.Reveal:
                ConsumeReveal(frame, body);
                break;
            case FrameType.Finished:
                ConsumeFinished(body);
                break;
            default:
                Violation("unexpected message");
                break;
        }
    }

    // ---- Handshake, server side -------------------------------------------------------------------------

    private void ConsumeClientHello(ReadOnlySpan<byte> frame, ReadOnlySpan<byte> body)
    {
        if (!ClientHello.TryParse(body, out ClientHello hello))
        {
            Violation("bad ClientHello");
            return;
        }

        SetStage(SessionStage.ExchangingKeys);
        _transcript!.AppendData(frame);
        if (!hello.Versions.Contains(WireFormat.Version1))
        {
            FailWith(SessionFailure.Create(FailureReason.UnsupportedVersion), AlertCode.UnsupportedVersion);
            return;
        }

        DhGroup? chosen = _settings.AcceptableGroups().FirstOrDefault(g => hello.Groups.Contains((ushort)g.Id));
        if (chosen is null)
        {
            FailWith(SessionFailure.Create(FailureReason.UnsupportedGroup, $"this side requires {DhGroup.Get(_settings.Group).Name} or larger"), AlertCode.UnsupportedGroup, (uint)_settings.Group);
            return;
        }

        if (hello.Iterations < _settings.Iterations || hello.Iterations > WireFormat.IterationsCap)
        {
            string detail = $"the client offered {hello.Iterations}; this server accepts {_settings.Iterations} to {WireFormat.IterationsCap}";
            FailWith(SessionFailure.Create(FailureReason.IterationsRejected, detail), AlertCode.IterationsRejected, (uint)_settings.Iterations);
            return;
        }

        _group = chosen;
        _iterations = (int)hello.Iterations;
        Span<byte> reply = stackalloc byte[ServerHello.Size];
        new ServerHello(WireFormat.Version1, (ushort)chosen.Id, hello.Iterations).Write(reply);
        WriteHandshake(FrameType.ServerHello, reply);
        _expected = FrameType.Commit;
    }

    private void ConsumeCommit(ReadOnlySpan<byte> frame, ReadOnlySpan<byte> body)
    {
        if (body.Length != WireFormat.CommitmentSize)
        {
            Violation("bad Commit");
            return;
        }

        _peerCommitment = body.ToArray();
        _transcript!.AppendData(frame);
        GenerateHandshakeKey();
        Span<byte> share = stackalloc byte[KeyShareMessage.Size(_group!.ElementSize)];
        KeyShareMessage.Write(share, _localNonce, _keyPair!.PublicValue);
        WriteHandshake(FrameType.KeyShare, share);
        _expected = FrameType.Reveal;
    }

    private void ConsumeReveal(ReadOnlySpan<byte> frame, ReadOnlySpan<byte> body)
    {
        if (!KeyShareMessage.TrySplit(body, _group!.ElementSize, out ReadOnlySpan<byte> nonce, out ReadOnlySpan<byte> clientPublic))
        {
            RejectKeyShare(body, "bad Reveal");
            return;
        }

        Span<byte> expected = stackalloc byte[WireFormat.CommitmentSize];
        ComputeCommitment(_group.Id, clientPublic, nonce, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, _peerCommitment))
        {
            FailWith(SessionFailure.Create(FailureReason.CommitmentMismatch), AlertCode.HandshakeFailed);
            return;
        }

        // The value is validated (range and subgroup) by the derivation job, before any agreement or PBKDF2.
        _peerPublic = clientPublic.ToArray();
        _transcript!.AppendData(frame);
        FinishTranscript();
    }

    // ---- Handshake, client side -------------------------------------------------------------------------

    private void ConsumeServerHello(ReadOnlySpan<byte> frame, ReadOnlySpan<byte> body)
    {
        if (!ServerHello.TryParse(body, out ServerHello hello))
        {
            Violation("bad ServerHello");
            return;
        }

        if (hello.Version != WireFormat.Version1)
        {
            FailWith(SessionFailure.Create(FailureReason.UnsupportedVersion), AlertCode.UnsupportedVersion);
            return;
        }

        DhGroup? group = _settings.AcceptableGroups().FirstOrDefault(g => (ushort)g.Id == hello.Group);
        if (group is null)
        {
            FailWith(SessionFailure.Create(FailureReason.UnsupportedGroup, "the server chose a group this client did not offer"), AlertCode.UnsupportedGroup);
            return;
        }

        if (hello.Iterations != (uint)_settings.Iterations)
        {
            FailWith(SessionFailure.Create(FailureReason.IterationsRejected, $"the server answered {hello.Iterations}, not the {_settings.Iterations} offered"), AlertCode.IterationsRejected, (uint)_settings.Iterations);
            return;
        }

        _group = group;
        _iterations = _settings.Iterations;
        _transcript!.AppendData(frame);
        GenerateHandshakeKey();
        Span<byte> commitment = stackalloc byte[WireFormat.CommitmentSize];
        ComputeCommitment(group.Id, _keyPair!.PublicValue, _localNonce, commitment);
        WriteHandshake(FrameType.Commit, commitment);
        _expected = FrameType.KeyShare;
    }

    private void ConsumeKeyShare(ReadOnlySpan<byte> frame, ReadOnlySpan<byte> body)
    {
        if (!KeyShareMessage.TrySplit(body, _group!.ElementSize, out _, out ReadOnlySpan<byte> serverPublic))
        {
            RejectKeyShare(body, "bad KeyShare");
            return;
        }

        // The Reveal depends neither on Z nor on the server's value being valid (it opens a commitment to public
        // values): send it first, and validate Y_s and compute Z in the derivation job, in parallel with the
        // server's own. An invalid Y_s still fails the session before any PBKDF2.
        _peerPublic = serverPublic.ToArray();
        _transcript!.AppendData(frame);
        Span<byte> reveal = stackalloc byte[KeyShareMessage.Size(_group.ElementSize)];
        KeyShareMessage.Write(reveal, _localNonce, _keyPair!.PublicValue);
        WriteHandshake(FrameType.Reveal, reveal);
        FinishTranscript();
    }

    // ---- Handshake, both sides --------------------------------------------------------------------------

    private void ConsumeFinished(ReadOnlySpan<byte> body)
    {
        if (body.Length != WireFormat.FinishedSize)
        {
            Violation("bad Finished");
            return;
        }

        byte[] peerKey = Role == SessionRole.Client ? _keys!.ServerFinished : _keys!.ClientFinished;
        Span<byte> expected = stackalloc byte[WireFormat.FinishedSize];
        HMACSHA256.HashData(peerKey, _transcriptHash, expected);
        bool confirmed = CryptographicOperations.FixedTimeEquals(expected, body);
        CryptographicOperations.ZeroMemory(expected);
        if (!confirmed)
        {
            FailWith(SessionFailure.Create(FailureReason.KeyConfirmationFailed), AlertCode.KeyConfirmationFailed);
            return;
        }

        if (Role == SessionRole.Client)
        {
            Span<byte> finished = stackalloc byte[WireFormat.FinishedSize];
            HMACSHA256.HashData(_keys.ClientFinished, _transcriptHash, finished);
            WriteFrame(FrameType.Finished, finished);
        }

        InstallKeys(_keys);
        WipeHandshake();
        SetStage(SessionStage.Secure);
        _events.Add(new EstablishedEvent(Fingerprint!, Sas!));
    }

    private void GenerateHandshakeKey()
    {
        if (_keyPair is not null && _keyPair.Group != _group)
        {
            _keyPair.Dispose();
            _keyPair = null;
        }

        _keyPair ??= DiffieHellman.GenerateKeyPair(_group!, _settings.Random);
        _localNonce = new byte[WireFormat.NonceSize];
        _settings.Random.Fill(_localNonce);
    }

    private void FinishTranscript()
    {
        _transcriptHash = _transcript!.GetHashAndReset();
        SetStage(SessionStage.DerivingKey);
    }

    /// <summary>A nonce followed by a public value of the wrong length is a bad key; anything shorter is malformed.</summary>
    private void RejectKeyShare(ReadOnlySpan<byte> body, string detail)
    {
        if (body.Length > WireFormat.NonceSize)
        {
            FailWith(SessionFailure.Create(FailureReason.InvalidPublicKey), AlertCode.HandshakeFailed);
        }
        else
        {
            Violation(detail);
        }
    }

    /// <summary>SHA-256("SecureChat v1 commit" || u16 group || Y || nonce).</summary>
    internal static void ComputeCommitment(DhGroupId group, ReadOnlySpan<byte> publicValue, ReadOnlySpan<byte> nonce, Span<byte> destination)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.ASCII.GetBytes(WireFormat.CommitmentLabel));
        Span<byte> id = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(id, (ushort)group);
        hash.AppendData(id);
        hash.AppendData(publicValue);
        hash.AppendData(nonce);
        hash.GetHashAndReset(destination);
    }

    private void HandleAlert(ReadOnlySpan<byte> body)
    {
        if (!AlertMessage.TryParse(body, out AlertMessage alert))
        {
            Violation("bad Alert");
            return;
        }

        SessionFailure failure = alert.Code switch
        {
            AlertCode.UnsupportedVersion => SessionFailure.Create(FailureReason.UnsupportedVersion),
            AlertCode.UnsupportedGroup => SessionFailure.Create(FailureReason.UnsupportedGroup, alert.Detail is > 0 and <= ushort.MaxValue && DhGroup.TryGet((DhGroupId)alert.Detail, out DhGroup g) ? $"the peer requires {g.Name} or larger; start with --group {g.Name}" : "the peer refused every group offered"),
            AlertCode.IterationsRejected => SessionFailure.Create(FailureReason.IterationsRejected, $"the peer requires at least {alert.Detail} PBKDF2 iterations; start with --iterations {alert.Detail}"),
            AlertCode.KeyConfirmationFailed => SessionFailure.Create(FailureReason.KeyConfirmationFailed),
            AlertCode.ServerBusy => SessionFailure.Create(FailureReason.ServerBusy),
            AlertCode.Timeout => SessionFailure.Create(FailureReason.HandshakeTimeout, "the peer gave up waiting"),
            AlertCode.ServerShuttingDown => SessionFailure.Create(FailureReason.ServerShuttingDown),
            _ => SessionFailure.Create(FailureReason.RefusedByPeer, "it reported a handshake failure"),
        };
        FailWith(failure, alert: null);
    }

    // ---- Records ----------------------------------------------------------------------------------------

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
            if (!_receiveProtector!.TryOpen(_receiveSequence, type, body, plaintext, out int length))
            {
                FailWith(SessionFailure.Create(FailureReason.AuthenticationFailed), AlertCode.ProtocolError);
                return;
            }

            _receiveSequence++;
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
            case FrameType.Chat when RecordPayload.TryParseChat(plaintext, out string sender, out string text):
                _events.Add(new MessageReceivedEvent(sender, text));
                break;
            case FrameType.Nick when RecordPayload.TryParseNick(plaintext, out string name):
                _events.Add(new PeerNamedEvent(name));
                break;
            case FrameType.Presence when Role == SessionRole.Client && RecordPayload.TryParsePresence(plaintext, out PresenceKind kind, out string who, out string newName):
                _events.Add(new PresenceEvent(kind, who, newName));
                break;
            case FrameType.RekeyInit:
                ConsumeRekeyInit(plaintext);
                break;
            case FrameType.RekeyAck:
                ConsumeRekeyAck(plaintext);
                break;
            case FrameType.RekeyFinish when plaintext.IsEmpty && _rekey == RekeyState.Responded:
                SwitchReceiveKeys();
                break;
            case FrameType.Close when plaintext.Length == 1:
                SetStage(SessionStage.Closed);
                _events.Add(new ClosedEvent(ByPeer: true, (AlertCode)plaintext[0]));
                WipeAll();
                break;
            default:
                Violation($"malformed or unexpected {type} record");
                break;
        }
    }

    private void ConsumeRekeyInit(ReadOnlySpan<byte> body)
    {
        if (_rekey == RekeyState.Initiated && Role == SessionRole.Client)
        {
            // Both sides asked at once: the client's request wins, and the server answers it instead.
            return;
        }

        if (_rekey == RekeyState.Responded || !KeyShareMessage.TrySplit(body, _group!.ElementSize, out ReadOnlySpan<byte> peerNonce, out ReadOnlySpan<byte> peerPublic))
        {
            Violation("unexpected or malformed RekeyInit");
            return;
        }

        using DhKeyPair own = DiffieHellman.GenerateKeyPair(_group, _settings.Random);
        byte[] nonce = new byte[WireFormat.NonceSize];
        _settings.Random.Fill(nonce);
        SessionKeys? next = DeriveRekeyKeys(own, peerPublic, initiator: Role == SessionRole.Client ? SessionRole.Server : SessionRole.Client, initiatorNonce: peerNonce, initiatorPublic: peerPublic, responderNonce: nonce, responderPublic: own.PublicValue);
        if (next is null)
        {
            return;
        }

        // A server that had asked too gives its own request up (its RekeyInit is ignored by the client).
        _rekeyKeyPair?.Dispose();
        _rekeyKeyPair = null;
        Wipe(ref _rekeyNonce);

        Span<byte> ack = stackalloc byte[KeyShareMessage.Size(_group.ElementSize)];
        KeyShareMessage.Write(ack, nonce, own.PublicValue);
        SealRecord(FrameType.RekeyAck, ack);
        _pendingKeys = next;
        SwitchSendKeys(next);
        _rekey = RekeyState.Responded;
        SetStage(SessionStage.Rekeying);
    }

    private void ConsumeRekeyAck(ReadOnlySpan<byte> body)
    {
        if (_rekey != RekeyState.Initiated || !KeyShareMessage.TrySplit(body, _group!.ElementSize, out ReadOnlySpan<byte> peerNonce, out ReadOnlySpan<byte> peerPublic))
        {
            Violation("unexpected or malformed RekeyAck");
            return;
        }

        SessionKeys? next = DeriveRekeyKeys(_rekeyKeyPair!, peerPublic, initiator: Role, initiatorNonce: _rekeyNonce, initiatorPublic: _rekeyKeyPair!.PublicValue, responderNonce: peerNonce, responderPublic: peerPublic);
        if (next is null)
        {
            return;
        }

        SealRecord(FrameType.RekeyFinish, []);
        _rekeyKeyPair.Dispose();
        _rekeyKeyPair = null;
        _rekeyNonce = null;
        SessionKeys old = _keys!;
        InstallKeys(next);
        old.Dispose();
        _rekey = RekeyState.None;
        SetStage(SessionStage.Secure);
        _events.Add(new RekeyedEvent(Fingerprint!, Sas!));
    }

    private SessionKeys? DeriveRekeyKeys(DhKeyPair own, ReadOnlySpan<byte> peerPublic, SessionRole initiator, ReadOnlySpan<byte> initiatorNonce, ReadOnlySpan<byte> initiatorPublic, ReadOnlySpan<byte> responderNonce, ReadOnlySpan<byte> responderPublic)
    {
        byte[] secret = new byte[own.Group.ElementSize];
        try
        {
            if (!DiffieHellman.TryAgree(own, peerPublic, secret))
            {
                FailWith(SessionFailure.Create(FailureReason.InvalidPublicKey), AlertCode.ProtocolError);
                return null;
            }

            byte[] transcript = RekeyTranscriptHash(initiator, initiatorNonce, initiatorPublic, responderNonce, responderPublic);
            byte[] master = KeySchedule.DeriveRekeyMaster(_keys!.Chain, secret, transcript);
            try
            {
                return KeySchedule.DeriveSessionKeys(master);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(master);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>SHA-256("SecureChat v1 rekey" || u8 initiator (1 client, 2 server) || N_i || Y_i || N_r || Y_r).</summary>
    internal static byte[] RekeyTranscriptHash(SessionRole initiator, ReadOnlySpan<byte> initiatorNonce, ReadOnlySpan<byte> initiatorPublic, ReadOnlySpan<byte> responderNonce, ReadOnlySpan<byte> responderPublic)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.ASCII.GetBytes(WireFormat.RekeyLabel));
        hash.AppendData([initiator == SessionRole.Client ? (byte)1 : (byte)2]);
        hash.AppendData(initiatorNonce);
        hash.AppendData(initiatorPublic);
        hash.AppendData(responderNonce);
        hash.AppendData(responderPublic);
        return hash.GetHashAndReset();
    }

    private void SwitchSendKeys(SessionKeys next)
    {
        _sendProtector?.Dispose();
        _sendProtector = Role == SessionRole.Client
            ? new RecordProtector(next.ClientToServerEncryption, next.ClientToServerMac, WireFormat.DirectionClientToServer)
            : new RecordProtector(next.ServerToClientEncryption, next.ServerToClientMac, WireFormat.DirectionServerToClient);
        _sentSinceKeys = 0;
        _keysSince = _settings.Time.GetTimestamp();
    }

    private void SwitchReceiveKeys()
    {
        SessionKeys next = _pendingKeys!;
        _pendingKeys = null;
        _receiveProtector?.Dispose();
        _receiveProtector = CreateReceiveProtector(next);
        SessionKeys old = _keys!;
        _keys = next;
        old.Dispose();
        Fingerprint = next.Fingerprint;
        Sas = next.Sas;
        _rekey = RekeyState.None;
        SetStage(SessionStage.Secure);
        _events.Add(new RekeyedEvent(Fingerprint, Sas));
    }

    private void InstallKeys(SessionKeys keys)
    {
        _keys = keys;
        SwitchSendKeys(keys);
        _receiveProtector?.Dispose();
        _receiveProtector = CreateReceiveProtector(keys);
        Fingerprint = keys.Fingerprint;
        Sas = keys.Sas;
    }

    private RecordProtector CreateReceiveProtector(SessionKeys keys) => Role == SessionRole.Client
        ? new RecordProtector(keys.ServerToClientEncryption, keys.ServerToClientMac, WireFormat.DirectionServerToClient)
        : new RecordProtector(keys.ClientToServerEncryption, keys.ClientToServerMac, WireFormat.DirectionClientToServer);

    private void SealRecord(FrameType type, ReadOnlySpan<byte> plaintext)
    {
        if (_sendSequence == ulong.MaxValue)
        {
            throw new InvalidOperationException("sequence numbers exhausted");
        }

        int sealedSize = RecordProtector.SealedSize(plaintext.Length);
        Span<byte> destination = _output.GetSpan(WireFormat.FrameHeaderSize + sealedSize);
        FrameHeader.Write(destination, type, sealedSize);
        _sendProtector!.Seal(_sendSequence, (byte)type, plaintext, destination[WireFormat.FrameHeaderSize..], _settings.Random);
        _output.Advance(WireFormat.FrameHeaderSize + sealedSize);
        _sendSequence++;
        _sentSinceKeys++;
    }

    private void MaybeStartAutomaticRekey()
    {
        if (_rekey == RekeyState.None && Stage == SessionStage.Secure &&
            (_sentSinceKeys >= _settings.RekeyAfterRecords || _settings.Time.GetElapsedTime(_keysSince) >= _settings.RekeyAfterTime))
        {
            RequestRekey();
        }
    }

    // ---- Output, stages, failure, wiping ----------------------------------------------------------------

    private void WriteHandshake(FrameType type, ReadOnlySpan<byte> body)
    {
        int start = _output.WrittenCount;
        WriteFrame(type, body);
        _transcript!.AppendData(_output.WrittenSpan[start..]);
    }

    private void WriteFrame(FrameType type, ReadOnlySpan<byte> body)
    {
        Span<byte> destination = _output.GetSpan(WireFormat.FrameHeaderSize + body.Length);
        FrameHeader.Write(destination, type, body.Length);
        body.CopyTo(destination[WireFormat.FrameHeaderSize..]);
        _output.Advance(WireFormat.FrameHeaderSize + body.Length);
    }

    private void WriteAlert(AlertCode code, uint detail)
    {
        Span<byte> body = stackalloc byte[AlertMessage.Size];
        new AlertMessage(code, detail).Write(body);
        WriteFrame(FrameType.Alert, body);
    }

    private void Violation(string detail) =>
        FailWith(SessionFailure.Create(FailureReason.ProtocolViolation, detail), AlertCode.ProtocolError);

    private void FailWith(SessionFailure failure, AlertCode? alert, uint detail = 0)
    {
        if (IsEnded)
        {
            return;
        }

        if (alert is { } code)
        {
            if (IsSecure && _sendProtector is not null)
            {
                SealRecord(FrameType.Close, [(byte)code]);
            }
            else
            {
                WriteAlert(code, detail);
            }
        }

        Failure = failure;
        SetStage(SessionStage.Failed);
        _events.Add(new FailedEvent(failure));
        WipeAll();
    }

    private void SetStage(SessionStage stage)
    {
        if (Stage != stage)
        {
            Stage = stage;
            _events.Add(new StageChangedEvent(stage));
        }
    }

    private void EnsureSecure()
    {
        if (!IsSecure)
        {
            throw new InvalidOperationException($"the session is {Stage}, not secure");
        }
    }

    private void WipeHandshake()
    {
        _transcript?.Dispose();
        _transcript = null;
        _keyPair?.Dispose();
        _keyPair = null;
        Wipe(ref _localNonce);
        Wipe(ref _peerCommitment);
        _peerPublic = null;
        Wipe(ref _transcriptHash);
    }

    private void WipeAll()
    {
        WipeHandshake();
        _rekeyKeyPair?.Dispose();
        _rekeyKeyPair = null;
        Wipe(ref _rekeyNonce);
        _pendingKeys?.Dispose();
        _pendingKeys = null;
        _keys?.Dispose();
        _keys = null;
        _sendProtector?.Dispose();
        _sendProtector = null;
        _receiveProtector?.Dispose();
        _receiveProtector = null;
        if (!_processing)
        {
            ReleaseInbox();
        }
    }

    private void ReleaseInboxIfEmpty()
    {
        if (_inboxCount == 0 && !_processing)
        {
            ReleaseInbox();
        }
    }

    private void ReleaseInbox()
    {
        if (_inbox is not null)
        {
            CryptographicOperations.ZeroMemory(_inbox.AsSpan(0, _inboxCount));
            ArrayPool<byte>.Shared.Return(_inbox);
            _inbox = null;
            _inboxCount = 0;
        }
    }

    private static void Wipe(ref byte[]? secret)
    {
        if (secret is not null)
        {
            CryptographicOperations.ZeroMemory(secret);
            secret = null;
        }
    }
}
