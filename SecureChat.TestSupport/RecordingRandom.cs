using SecureChat.Engine.Crypto;

namespace SecureChat.TestSupport;

/// <summary>
/// The system's random source, keeping every block of 32 bytes or more it gave (nonces and exponents), so a test
/// knows a session's own exponents and can recompute what an attacker who found the peer's would get. Not thread-safe.
/// </summary>
internal sealed class RecordingRandom : IRandomSource
{
    public List<byte[]> Blocks { get; } = [];

    public void Fill(Span<byte> destination)
    {
        SystemRandom.Instance.Fill(destination);
        if (destination.Length >= 32)
        {
            Blocks.Add(destination.ToArray());
        }
    }
}
