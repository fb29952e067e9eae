namespace SecureChat.Engine.Crypto;

/// <summary>
/// Where private exponents, shared secrets and keys live: arrays on the pinned object heap, which the garbage
/// collector never moves or compacts, so the copy its owner wipes (<c>CryptographicOperations.ZeroMemory</c>) is
/// the only one. An ordinary array can be copied by a compacting GC before it is wiped, leaving the old copy in
/// free memory until something overwrites it. Thread-safe (stateless).
/// </summary>
internal static class SecretArray
{
    /// <summary>A zeroed pinned array; the caller owns it and wipes it when done.</summary>
    public static byte[] Allocate(int length) => GC.AllocateArray<byte>(length, pinned: true);

    /// <summary>A pinned copy of <paramref name="source"/>; the caller owns it and wipes it when done.</summary>
    public static byte[] Copy(ReadOnlySpan<byte> source)
    {
        byte[] copy = Allocate(source.Length);
        source.CopyTo(copy);
        return copy;
    }
}
