using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session;

/// <summary>
/// The data path of a secure session (PROTOCOL.md, "Records"): one <see cref="RecordProtector"/> per direction,
/// the implicit 64-bit sequence numbers (never reset, not even by a rekey), and the key epochs: the first
/// installed by the handshake, later ones switched in per direction by a rekey. Not thread-safe.
/// </summary>
internal sealed class RecordLayer(bool isClient, TimeProvider time) : IDisposable
{
    private SessionKeys? _keys;
    private SessionKeys? _nextReceiveKeys;
    private RecordProtector? _send;
    private RecordProtector? _receive;
    private ulong _sendSequence;
    private ulong _receiveSequence;

    public bool IsInstalled => _send is not null;

    /// <summary>The keys both directions use (the handshake's, until a rekey completes).</summary>
    public SessionKeys CurrentKeys => _keys ?? throw new InvalidOperationException("no keys installed");

    /// <summary>Records sealed so far in this session (the next sequence number to send).</summary>
    public ulong SentRecords => _sendSequence;

    /// <summary>Records opened so far in this session (what a Close reports as received).</summary>
    public ulong ReceivedRecords => _receiveSequence;

    /// <summary>When a record was last sealed or opened (<see cref="TimeProvider"/> timestamps).</summary>
    public long LastSent { get; private set; }

    public long LastReceived { get; private set; }

    /// <summary>The fingerprint of the keys both directions use (set once a rekey completes on both).</summary>
    public string? Fingerprint => _keys?.Fingerprint;

    public string? Sas => _keys?.Sas;

    /// <summary>Records sealed under the current sending keys.</summary>
    public long SentSinceKeys { get; private set; }

    /// <summary>When the current sending keys were installed (a <see cref="TimeProvider"/> timestamp).</summary>
    public long KeysSince { get; private set; }

    /// <summary>The handshake's keys, for both directions.</summary>
    public void Install(SessionKeys keys)
    {
        _keys = keys;
        SwitchSend(keys);
        LastReceived = LastSent = time.GetTimestamp();
        _receive?.Dispose();
        _receive = keys.CreateReceiveProtector(isClient);
    }

    /// <summary>Initiator, on RekeyAck: both directions move to the next epoch at once.</summary>
    public void SwitchBoth(SessionKeys next)
    {
        SessionKeys old = _keys!;
        Install(next);
        old.Dispose();
    }

    /// <summary>Responder, on sending RekeyAck: sends under the next keys, still receives under the old ones.</summary>
    public void SwitchSendOnly(SessionKeys next)
    {
        _nextReceiveKeys?.Dispose();
        _nextReceiveKeys = next;
        SwitchSend(next);
    }

    /// <summary>Responder, on RekeyFinish: receives under the next keys too; the old epoch is wiped.</summary>
    public void SwitchReceive()
    {
        SessionKeys next = _nextReceiveKeys ?? throw new InvalidOperationException("no receive switch is pending");
        _nextReceiveKeys = null;
        _receive?.Dispose();
        _receive = next.CreateReceiveProtector(isClient);
        SessionKeys old = _keys!;
        _keys = next;
        old.Dispose();
    }

    /// <summary>A copy of the current chain key for a rekey job (the job wipes it).</summary>
    public byte[] CopyChainKey() => (_keys ?? throw new InvalidOperationException("no keys")).CopyChainKey();

    /// <summary>Seals one record into <paramref name="output"/> under the current sending keys.</summary>
    public void Seal(FrameType type, ReadOnlySpan<byte> plaintext, SessionOutput output, IRandomSource random)
    {
        RecordProtector protector = _send ?? throw new InvalidOperationException("no keys installed");
        if (_sendSequence == ulong.MaxValue)
        {
            throw new InvalidOperationException("sequence numbers exhausted");
        }

        int sealedSize = RecordProtector.SealedSize(plaintext.Length);
        Span<byte> destination = output.GetSpan(WireFormat.FrameHeaderSize + sealedSize);
        FrameHeader.Write(destination, type, sealedSize);
        protector.Seal(_sendSequence, (byte)type, plaintext, destination[WireFormat.FrameHeaderSize..], random);
        output.Advance(WireFormat.FrameHeaderSize + sealedSize);
        _sendSequence++;
        SentSinceKeys++;
        LastSent = time.GetTimestamp();
    }

    /// <summary>Verifies and decrypts one record body; false (nothing consumed) when it fails authentication.</summary>
    public bool TryOpen(byte type, ReadOnlySpan<byte> body, Span<byte> plaintext, out int length)
    {
        RecordProtector protector = _receive ?? throw new InvalidOperationException("no keys installed");
        if (!protector.TryOpen(_receiveSequence, type, body, plaintext, out length))
        {
            return false;
        }

        _receiveSequence++;
        LastReceived = time.GetTimestamp();
        return true;
    }

    public void Dispose()
    {
        _nextReceiveKeys?.Dispose();
        _nextReceiveKeys = null;
        _keys?.Dispose();
        _keys = null;
        _send?.Dispose();
        _send = null;
        _receive?.Dispose();
        _receive = null;
    }

    private void SwitchSend(SessionKeys keys)
    {
        _send?.Dispose();
        _send = keys.CreateSendProtector(isClient);
        SentSinceKeys = 0;
        KeysSince = time.GetTimestamp();
    }
}
