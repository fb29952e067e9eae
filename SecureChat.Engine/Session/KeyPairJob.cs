using SecureChat.Engine.Crypto;

namespace SecureChat.Engine.Session;

/// <summary>
/// Generates a handshake key pair away from the session's lock, while the driver waits for the network
/// (<see cref="SecureSession.BeginKeyPairPrecomputation"/>). Not thread-safe: one thread runs it, then hands it back.
/// </summary>
internal sealed class KeyPairJob
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
}
