using System.Runtime.InteropServices;

namespace SecureChat.Engine.Crypto;

/// <summary>
/// X25519 (RFC 7748 section 5) from libsodium, the library NSec ships and wraps, called on the caller's buffers:
/// <c>crypto_scalarmult_curve25519_base</c> for a public key and <c>crypto_scalarmult_curve25519</c> for an agreement,
/// which clamps the scalar and refuses a public key of small order. Why not through NSec: each NSec key import and
/// each shared secret is a guarded libsodium allocation (mmap, mprotect, mlock, then munlock and munmap), and an HPKE
/// seal needed two of them and a second base-point multiplication; the private keys HPKE uses here already live in
/// managed arrays (MLS holds them in its group state), so the guarded copy protected nothing, and it made one seal
/// 1.7 times slower (BENCHMARKS.md, "MLS groups"). Stateless and thread-safe.
/// </summary>
internal static class LibsodiumX25519
{
    public const int KeySize = 32;

    static LibsodiumX25519()
    {
        // sodium_init picks the fastest implementation for this CPU; NSec calls it too, and a second call does nothing.
        if (sodium_init() < 0)
        {
            throw new InvalidOperationException("libsodium could not be initialized");
        }
    }

    /// <summary>The public key of a 32-byte private key (any 32 bytes: X25519 clamps them).</summary>
    public static byte[] PublicKeyOf(ReadOnlySpan<byte> privateKey)
    {
        RequireSize(privateKey, nameof(privateKey));
        byte[] publicKey = new byte[KeySize];
        if (crypto_scalarmult_curve25519_base(ref MemoryMarshal.GetReference(publicKey.AsSpan()), ref MemoryMarshal.GetReference(privateKey)) != 0)
        {
            throw new System.Security.Cryptography.CryptographicException("X25519 base-point multiplication failed");
        }

        return publicKey;
    }

    /// <summary>The shared secret, or false when <paramref name="publicKey"/> is not 32 bytes or is of small order.</summary>
    public static bool TryAgree(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> publicKey, out byte[] shared)
    {
        RequireSize(privateKey, nameof(privateKey));
        shared = [];
        if (publicKey.Length != KeySize)
        {
            return false;
        }

        byte[] output = new byte[KeySize];
        if (crypto_scalarmult_curve25519(ref MemoryMarshal.GetReference(output.AsSpan()), ref MemoryMarshal.GetReference(privateKey), ref MemoryMarshal.GetReference(publicKey)) != 0)
        {
            return false;
        }

        shared = output;
        return true;
    }

    private static void RequireSize(ReadOnlySpan<byte> key, string name)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"an X25519 key is {KeySize} bytes, not {key.Length}", name);
        }
    }

    // DllImport rather than LibraryImport: the generated stubs need unsafe code. The buffers are pinned for the call;
    // libsodium reads n and p and writes q only.
    [DllImport("libsodium", CallingConvention = CallingConvention.Cdecl)]
    private static extern int sodium_init();

    [DllImport("libsodium", CallingConvention = CallingConvention.Cdecl)]
    private static extern int crypto_scalarmult_curve25519_base(ref byte q, ref byte n);

    [DllImport("libsodium", CallingConvention = CallingConvention.Cdecl)]
    private static extern int crypto_scalarmult_curve25519(ref byte q, ref byte n, ref byte p);
}
