using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session.Handshake;

/// <summary>
/// What every handshake state may use: the settings, the transcript, the session's output and record layer (the
/// handshake ends with ServerAuth and ClientAuth sealed under the new keys), and what the hellos settled. Not
/// thread-safe.
/// </summary>
internal sealed class HandshakeContext(SessionSettings settings, SessionOutput output, RecordLayer records) : IDisposable
{
    private byte[]? _generator;

    public SessionSettings Settings { get; } = settings;

    public HandshakeTranscript Transcript { get; } = new();

    public RecordLayer Records { get; } = records;

    public bool IsClient => Settings.Role == SessionRole.Client;

    public bool UsesPassphrase => Settings.Passphrase.Length > 0;

    /// <summary>The group the hellos settled on, once they have.</summary>
    public DhGroup? Group { get; private set; }

    /// <summary>The PBKDF2 count the hellos settled on, once they have (0 before).</summary>
    public int Iterations { get; private set; }

    /// <summary>The ClientHello and ServerHello nonces, once sent or received (the CPace session id).</summary>
    public byte[]? ClientNonce { get; set; }

    public byte[]? ServerNonce { get; private set; }

    /// <summary>Records what the hellos settled, and for a passphrase session derives the CPace generator.</summary>
    public bool Agreed(DhGroup group, int iterations, byte[] serverNonce)
    {
        Group = group;
        Iterations = iterations;
        ServerNonce = serverNonce;
        if (!UsesPassphrase)
        {
            return true;
        }

        _generator = SecretArray.Allocate(group.ElementSize);
        return Cpace.TryDeriveGenerator(Settings.Passphrase, group, ClientNonce, serverNonce, _generator);
    }

    /// <summary>Writes a handshake frame and appends it to the transcript.</summary>
    public void WriteHandshake(FrameType type, ReadOnlySpan<byte> body) => Transcript.Append(output.WriteFrame(type, body));

    /// <summary>
    /// Writes a frame that is not part of the transcript (Puzzle), or not yet (the client's early Commit, recorded
    /// once the ServerHello shows it stands); returns the frame as written.
    /// </summary>
    public ReadOnlySpan<byte> WriteFrame(FrameType type, ReadOnlySpan<byte> body) => output.WriteFrame(type, body);

    /// <summary>Seals ServerAuth or ClientAuth under the freshly installed keys.</summary>
    public void Seal(FrameType type, ReadOnlySpan<byte> plaintext) => Records.Seal(type, plaintext, output, Settings.Random);

    /// <summary>A fresh 32-byte nonce from the session's random source.</summary>
    public byte[] NewNonce()
    {
        byte[] nonce = new byte[WireFormat.NonceSize];
        Settings.Random.Fill(nonce);
        return nonce;
    }

    /// <summary>
    /// The precomputed key pair when it fits (same group, and no passphrase: a CPace pair needs the generator the
    /// hellos fix); otherwise a new one on the session's generator (the other is disposed).
    /// </summary>
    public DhKeyPair TakeOrGenerateKeyPair(DhKeyPair? precomputed, DhGroup group)
    {
        if (precomputed is not null && precomputed.Group == group && _generator is null)
        {
            return precomputed;
        }

        precomputed?.Dispose();
        if (_generator is null && Settings.KeyPairs?.TryTake(group) is { } ready)
        {
            return ready;
        }

        return _generator is { } generator
            ? DiffieHellman.GenerateKeyPair(group, generator, Settings.Random)
            : DiffieHellman.GenerateKeyPair(group, Settings.Random);
    }

    public void Dispose()
    {
        Transcript.Dispose();
        if (_generator is not null)
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(_generator);
            _generator = null;
        }
    }
}
