using System.Security.Cryptography;

namespace SecureChat.Engine.Crypto;

/// <summary>
/// The sub-keys of one key epoch (see <see cref="KeySchedule"/>), plus the human-readable fingerprint and SAS
/// derived beside them. Every key array is zeroed on <see cref="Dispose"/>. Not thread-safe.
/// </summary>
internal sealed class SessionKeys : IDisposable
{
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
        ClientToServerEncryption = clientToServerEncryption;
        ClientToServerMac = clientToServerMac;
        ServerToClientEncryption = serverToClientEncryption;
        ServerToClientMac = serverToClientMac;
        ClientFinished = clientFinished;
        ServerFinished = serverFinished;
        Chain = chain;
        Fingerprint = fingerprint;
        Sas = sas;
    }

    public byte[] ClientToServerEncryption { get; }

    public byte[] ClientToServerMac { get; }

    public byte[] ServerToClientEncryption { get; }

    public byte[] ServerToClientMac { get; }

    public byte[] ClientFinished { get; }

    public byte[] ServerFinished { get; }

    /// <summary>Salt for the next epoch's master key (<see cref="KeySchedule.DeriveRekeyMaster"/>).</summary>
    public byte[] Chain { get; }

    public string Fingerprint { get; }

    public string Sas { get; }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(ClientToServerEncryption);
        CryptographicOperations.ZeroMemory(ClientToServerMac);
        CryptographicOperations.ZeroMemory(ServerToClientEncryption);
        CryptographicOperations.ZeroMemory(ServerToClientMac);
        CryptographicOperations.ZeroMemory(ClientFinished);
        CryptographicOperations.ZeroMemory(ServerFinished);
        CryptographicOperations.ZeroMemory(Chain);
    }
}
