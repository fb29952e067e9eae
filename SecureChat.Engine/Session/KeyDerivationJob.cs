using System.Security.Cryptography;
using SecureChat.Engine.Crypto;

namespace SecureChat.Engine.Session;

/// <summary>
/// The costly step of one handshake, detached from its session so it runs outside the session's lock: validation
/// of the peer's public value (range and subgroup), the Diffie-Hellman agreement Z = Y_peer^x mod p, then PBKDF2 over
/// Z salted with the transcript hash. Owns the private key and a copy of the transcript hash; wipes them, Z (in a
/// pinned array, wiped as soon as PBKDF2 has read it) and the master key (pinned, see
/// <see cref="KeySchedule.DeriveMaster"/>) on Dispose.
/// Not thread-safe: one thread runs it, then hands it back to <see cref="SecureSession.CompleteKeyDerivation"/>.
/// </summary>
internal sealed class KeyDerivationJob : IDisposable
{
    private readonly DhKeyPair _ownKey;
    private readonly byte[] _peerPublic;
    private readonly byte[] _transcriptHash;
    private readonly int _iterations;
    private byte[]? _master;
    private bool _ran;

    public KeyDerivationJob(DhKeyPair ownKey, byte[] peerPublic, byte[] transcriptHash, int iterations)
    {
        _ownKey = ownKey;
        _peerPublic = peerPublic;
        _transcriptHash = (byte[])transcriptHash.Clone();
        _iterations = iterations;
    }

    /// <summary>False when the peer's value failed validation or gave a degenerate secret (the session then fails).</summary>
    public bool Agreed => _master is not null;

    /// <summary>The master key, once <see cref="Run"/> has finished with <see cref="Agreed"/> true.</summary>
    public byte[] Master => _master ?? throw new InvalidOperationException("no master key");

    public void Run()
    {
        if (_ran)
        {
            return;
        }

        _ran = true;
        byte[] sharedSecret = SecretArray.Allocate(_ownKey.Group.ElementSize);
        try
        {
            if (DiffieHellman.TryAgree(_ownKey, _peerPublic, sharedSecret))
            {
                _master = KeySchedule.DeriveMaster(sharedSecret, _transcriptHash, _iterations);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sharedSecret);
            _ownKey.Dispose();
        }
    }

    public void Dispose()
    {
        _ownKey.Dispose();
        CryptographicOperations.ZeroMemory(_transcriptHash);
        if (_master is not null)
        {
            CryptographicOperations.ZeroMemory(_master);
        }
    }
}
