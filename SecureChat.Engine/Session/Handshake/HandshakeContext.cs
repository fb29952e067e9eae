using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session.Handshake;

/// <summary>What every handshake state may use: the settings, the transcript, and the session's output. Not thread-safe.</summary>
internal sealed class HandshakeContext(SessionSettings settings, SessionOutput output) : IDisposable
{
    public SessionSettings Settings { get; } = settings;

    public HandshakeTranscript Transcript { get; } = new();

    public bool IsClient => Settings.Role == SessionRole.Client;

    /// <summary>The group the hellos settled on, once they have.</summary>
    public DhGroup? Group { get; private set; }

    /// <summary>The PBKDF2 count the hellos settled on, once they have (0 before).</summary>
    public int Iterations { get; private set; }

    /// <summary>Records what the hellos settled.</summary>
    public void Agreed(DhGroup group, int iterations)
    {
        Group = group;
        Iterations = iterations;
    }

    /// <summary>Writes a handshake frame and appends it to the transcript.</summary>
    public void WriteHandshake(FrameType type, ReadOnlySpan<byte> body) => Transcript.Append(output.WriteFrame(type, body));

    /// <summary>Writes a frame that is not part of the transcript (Finished).</summary>
    public void WriteFrame(FrameType type, ReadOnlySpan<byte> body) => output.WriteFrame(type, body);

    /// <summary>A fresh 32-byte nonce from the session's random source.</summary>
    public byte[] NewNonce()
    {
        byte[] nonce = new byte[WireFormat.NonceSize];
        Settings.Random.Fill(nonce);
        return nonce;
    }

    /// <summary>The precomputed key pair when it is of <paramref name="group"/>; otherwise a new one (the other is disposed).</summary>
    public DhKeyPair TakeOrGenerateKeyPair(DhKeyPair? precomputed, DhGroup group)
    {
        if (precomputed is not null && precomputed.Group == group)
        {
            return precomputed;
        }

        precomputed?.Dispose();
        return DiffieHellman.GenerateKeyPair(group, Settings.Random);
    }

    public void Dispose() => Transcript.Dispose();
}
