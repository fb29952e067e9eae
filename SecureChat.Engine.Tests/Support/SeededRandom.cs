using System.Buffers.Binary;
using System.Security.Cryptography;
using SecureChat.Engine.Crypto;

namespace SecureChat.Engine.Tests.Support;

/// <summary>
/// A reproducible random source: draw n is filled from SHA-256(seed || n || i) blocks, so one seed always gives the
/// same bytes in the same order. Counts the draws and the bytes drawn. Not thread-safe.
/// </summary>
internal sealed class SeededRandom(ulong seed) : IRandomSource
{
    public int Draws { get; private set; }

    public long BytesDrawn { get; private set; }

    public void Fill(Span<byte> destination)
    {
        Span<byte> input = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(input, seed);
        for (int offset = 0, block = 0; offset < destination.Length; offset += 32, block++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(input[8..], (uint)Draws);
            BinaryPrimitives.WriteUInt32BigEndian(input[12..], (uint)block);
            byte[] hash = SHA256.HashData(input);
            hash.AsSpan(0, Math.Min(32, destination.Length - offset)).CopyTo(destination[offset..]);
        }

        Draws++;
        BytesDrawn += destination.Length;
    }
}
