using System.Security.Cryptography;

namespace SecureChat.Engine.Crypto;

/// <summary>
/// The sub-keys of one key epoch (see <see cref="KeySchedule"/>), plus the human-readable fingerprint and SAS
/// derived beside them. The keys are used in place through methods (protectors, Finished MACs, the next epoch's
/// master), never handed out as arrays a caller could keep; every key lives in a pinned array (the GC never copies
/// it, <see cref="SecretArray"/>) and is zeroed on <see cref="Dispose"/>.
/// Not thread-safe.
/// </summary>
internal sealed class SessionKeys : IDisposable
{
    /// <summary>Direction byte in every record MAC (PROTOCOL.md, "Records").</summary>
    public const byte DirectionClientToServer = 0x01;
    public const byte DirectionServerToClient = 0x02;

    private readonly byte[] _clientToServerEncryption;
    private readonly byte[] _clientToServerMac;
    private readonly byte[] _serverToClientEncryption;
    private readonly byte[] _serverToClientMac;
    private readonly byte[] _clientFinished;
    private readonly byte[] _serverFinished;
    private readonly byte[] _chain;

    public SessionKeys(
        byte[] clientToServerEncryption,
        byte[] clientToServerMac,
        byte[] serverToClientEncryption,
        byte[] serverToClientMac,
        byte[] clientFinished,
        byte[] serverFinished,
        byte[] chain,
        string fingerprint,
        string sas)
    {
        _clientToServerEncryption = clientToServerEncryption;
        _clientToServerMac = clientToServerMac;
        _serverToClientEncryption = serverToClientEncryption;
        _serverToClientMac = serverToClientMac;
        _clientFinished = clientFinished;
        _serverFinished = serverFinished;
        _chain = chain;
        Fingerprint = fingerprint;
        Sas = sas;
    }

    public string Fingerprint { get; }

    public string Sas { get; }

    // Read-only views for the worked example and the key-schedule tests; the session uses the methods below.
    internal ReadOnlySpan<byte> ClientToServerEncryption => _clientToServerEncryption;

    internal ReadOnlySpan<byte> ClientToServerMac => _clientToServerMac;

    internal ReadOnlySpan<byte> ServerToClientEncryption => _serverToClientEncryption;

    internal ReadOnlySpan<byte> ServerToClientMac => _serverToClientMac;

    internal ReadOnlySpan<byte> ClientFinished => _clientFinished;

    internal ReadOnlySpan<byte> ServerFinished => _serverFinished;

    internal ReadOnlySpan<byte> Chain => _chain;

    /// <summary>The protector for records this side sends (client: c2s keys; server: s2c keys).</summary>
    public RecordProtector CreateSendProtector(bool isClient) => isClient
        ? new RecordProtector(_clientToServerEncryption, _clientToServerMac, DirectionClientToServer)
        : new RecordProtector(_serverToClientEncryption, _serverToClientMac, DirectionServerToClient);

    /// <summary>The protector for records this side receives (client: s2c keys; server: c2s keys).</summary>
    public RecordProtector CreateReceiveProtector(bool isClient) => CreateSendProtector(!isClient);

    /// <summary>Finished = HMAC-SHA256(finished key of the given role, confirmed bytes), into 32 bytes.</summary>
    public void ComputeFinished(bool ofClient, ReadOnlySpan<byte> confirmed, Span<byte> destination) =>
        HMACSHA256.HashData(ofClient ? _clientFinished : _serverFinished, confirmed, destination);

    /// <summary>Checks a peer's Finished in constant time.</summary>
    public bool VerifyFinished(bool ofClient, ReadOnlySpan<byte> confirmed, ReadOnlySpan<byte> received)
    {
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        ComputeFinished(ofClient, confirmed, expected);
        bool match = CryptographicOperations.FixedTimeEquals(expected, received);
        CryptographicOperations.ZeroMemory(expected);
        return match;
    }

    /// <summary>A copy of the chain key for a rekey job that runs away from the session; the job wipes it.</summary>
    public byte[] CopyChainKey() => SecretArray.Copy(_chain);

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_clientToServerEncryption);
        CryptographicOperations.ZeroMemory(_clientToServerMac);
        CryptographicOperations.ZeroMemory(_serverToClientEncryption);
        CryptographicOperations.ZeroMemory(_serverToClientMac);
        CryptographicOperations.ZeroMemory(_clientFinished);
        CryptographicOperations.ZeroMemory(_serverFinished);
        CryptographicOperations.ZeroMemory(_chain);
    }
}
