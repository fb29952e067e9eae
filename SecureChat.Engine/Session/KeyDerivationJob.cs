using System.Security.Cryptography;
using SecureChat.Engine.Crypto;

namespace SecureChat.Engine.Session;

/// <summary>
/// The PBKDF2 step of one handshake, detached from its session so it can run outside the session's lock.
/// Owns a copy of the shared secret and the transcript hash; wipes them and the master key on Dispose.
/// Not thread-safe: one thread runs it, then hands it back to <see cref="ChatSession.CompleteKeyDerivation"/>.
/// </summary>
internal sealed class KeyDerivationJob : IDisposable
{
    private readonly byte[] _sharedSecret;
    private readonly byte[] _passphrase;
    private readonly byte[] _transcriptHash;
    private readonly int _iterations;
    private byte[]? _master;

    public KeyDerivationJob(byte[] sharedSecret, byte[] passphrase, byte[] transcriptHash, int iterations)
    {
        _sharedSecret = sharedSecret;
        _passphrase = passphrase;
        _transcriptHash = (byte[])transcriptHash.Clone();
        _iterations = iterations;
    }

    /// <summary>The master key, once <see cref="Run"/> has finished.</summary>
    public byte[] Master => _master ?? throw new InvalidOperationException("the job has not run");

    public void Run() => _master ??= KeySchedule.DeriveMaster(_sharedSecret, _passphrase, _transcriptHash, _iterations);

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_sharedSecret);
        CryptographicOperations.ZeroMemory(_transcriptHash);
        if (_master is not null)
        {
            CryptographicOperations.ZeroMemory(_master);
        }
    }
}
