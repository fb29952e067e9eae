using System.Security.Cryptography;

namespace SecureChat.Engine.Crypto;

/// <summary>The operating system's CSPRNG (<see cref="RandomNumberGenerator"/>). Thread-safe.</summary>
/// <remarks>
/// A call into the OS generator costs more than sealing a short chat record, so requests of up to
/// <see cref="PooledRequestMax"/> bytes (record IVs, which are public once used) are served from a small
/// per-thread block of CSPRNG output, refilled when used up; every byte is handed out once and zeroed as it is.
/// Nonces and private exponents are larger and always come straight from the OS.
/// </remarks>
internal sealed class SystemRandom : IRandomSource
{
    public const int PooledRequestMax = 16;
    private const int PoolSize = 1024;

    [ThreadStatic]
    private static byte[]? t_pool;

    [ThreadStatic]
    private static int t_next;

    private SystemRandom()
    {
    }

    public static SystemRandom Instance { get; } = new();

    public void Fill(Span<byte> destination)
    {
        if (destination.Length > PooledRequestMax)
        {
            RandomNumberGenerator.Fill(destination);
            return;
        }

        byte[]? pool = t_pool;
        if (pool is null || PoolSize - t_next < destination.Length)
        {
            pool ??= t_pool = new byte[PoolSize];
            RandomNumberGenerator.Fill(pool);
            t_next = 0;
        }

        Span<byte> taken = pool.AsSpan(t_next, destination.Length);
        taken.CopyTo(destination);
        taken.Clear();
        t_next += destination.Length;
    }
}
