using SecureChat.Engine.Crypto;

namespace SecureChat.Engine.Session;

/// <summary>
/// Generates a handshake key pair away from the session's lock, while the driver waits for the network
/// (<see cref="SecureSession.BeginKeyPairPrecomputation"/>). Disposing it wipes a key pair nobody took. Not
/// thread-safe: one thread runs it, then hands it back.
/// </summary>
internal sealed class KeyPairJob : IDisposable
{
    private readonly DhGroup _group;
    private readonly IRandomSource _random;
    private DhKeyPair? _result;

    internal KeyPairJob(DhGroup group, IRandomSource random)
    {
        _group = group;
        _random = random;
    }

    public void Run() => _result ??= DiffieHellman.GenerateKeyPair(_group, _random);

    /// <summary>The key pair, handed over once (ownership passes to the caller).</summary>
    internal DhKeyPair? TakeResult()
    {
        DhKeyPair? result = _result;
        _result = null;
        return result;
    }

    /// <summary>Wipes the key pair if it was never taken (the session ended, or the runner failed).</summary>
    public void Dispose()
    {
        _result?.Dispose();
        _result = null;
    }
}
