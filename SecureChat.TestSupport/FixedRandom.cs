using SecureChat.Engine.Crypto;

namespace SecureChat.TestSupport;

/// <summary>A deterministic random source: fills with one repeated byte, or with queued byte strings first.</summary>
internal sealed class FixedRandom(byte fill = 0x42) : IRandomSource
{
    private readonly Queue<byte[]> _queued = new();

    public void Enqueue(byte[] bytes) => _queued.Enqueue(bytes);

    public void Fill(Span<byte> destination)
    {
        if (_queued.TryDequeue(out byte[]? next))
        {
            next.Length.ShouldBe(destination.Length, "queued random bytes must match the requested length");
            next.CopyTo(destination);
            return;
        }

        destination.Fill(fill);
    }
}
