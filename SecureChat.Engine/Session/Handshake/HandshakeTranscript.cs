using System.Security.Cryptography;

namespace SecureChat.Engine.Session.Handshake;

/// <summary>
/// The running SHA-256 over every handshake frame, header included, in the order sent and received, from the
/// ClientHello to the Reveal (PROTOCOL.md, "Transcript"). Finished is not part of it. Not thread-safe.
/// </summary>
internal sealed class HandshakeTranscript : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public void Append(ReadOnlySpan<byte> frame) => _hash.AppendData(frame);

    /// <summary>The hash of everything appended; the transcript is finished after this.</summary>
    public byte[] Finish() => _hash.GetHashAndReset();

    public void Dispose() => _hash.Dispose();
}
