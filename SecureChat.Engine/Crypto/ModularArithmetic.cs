using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace SecureChat.Engine.Crypto;

/// <summary>
/// The two big-number operations Diffie-Hellman needs: y = g^x mod p with a secret exponent, and the Legendre
/// symbol for the subgroup check. .NET has no finite-field DH API, so this uses the same OpenSSL libcrypto that
/// .NET's own cryptography loads on Linux: <c>BN_mod_exp_mont_consttime</c> (Montgomery, constant time in the
/// exponent) and <c>BN_kronecker</c>. Where libcrypto cannot be loaded it falls back to
/// <see cref="BigInteger.ModPow"/> (not constant time) and a managed Jacobi symbol, and <see cref="Backend"/> says so;
/// that fallback makes BigInteger copies of its inputs, which cannot be wiped, so only the libcrypto path keeps
/// the promise that secrets are wiped. Thread-safe: every call uses its own BN_CTX and BIGNUMs.
/// </summary>
internal static class ModularArithmetic
{
    private static readonly LibCrypto? s_libCrypto = LibCrypto.TryLoad();

    /// <summary>Which implementation is in use, for tests and diagnostics.</summary>
    public static string Backend => s_libCrypto is { } lib ? "OpenSSL " + lib.Name : "managed BigInteger";

    /// <summary>Writes base^exponent mod modulus, big-endian, left-padded to the destination's length.</summary>
    public static void ModPow(ReadOnlySpan<byte> baseValue, ReadOnlySpan<byte> exponent, DhGroup group, Span<byte> destination)
    {
        if (s_libCrypto is { } lib && lib.TryModPow(baseValue, exponent, group.PBytes, destination))
        {
            return;
        }

        var result = BigInteger.ModPow(
            new BigInteger(baseValue, isUnsigned: true, isBigEndian: true),
            new BigInteger(exponent, isUnsigned: true, isBigEndian: true),
            group.P);
        destination.Clear();
        int length = result.GetByteCount(isUnsigned: true);
        result.TryWriteBytes(destination[(destination.Length - length)..], out _, isUnsigned: true, isBigEndian: true);
    }

    /// <summary>The Legendre symbol (value / p) for the odd prime p: 1 for a non-zero quadratic residue.</summary>
    public static bool IsQuadraticResidue(ReadOnlySpan<byte> value, DhGroup group)
    {
        if (s_libCrypto is { } lib && lib.TryKronecker(value, group.PBytes, out int symbol))
        {
            return symbol == 1;
        }

        return DiffieHellman.IsQuadraticResidue(new BigInteger(value, isUnsigned: true, isBigEndian: true), group.P);
    }

    /// <summary>The few libcrypto BIGNUM functions used, bound at run time (OpenSSL 3 or 1.1).</summary>
    private sealed class LibCrypto
    {
        private readonly BnCtxNew _ctxNew;
        private readonly BnCtxFree _ctxFree;
        private readonly BnBin2Bn _bin2bn;
        private readonly BnBn2BinPad _bn2binpad;
        private readonly BnNew _new;
        private readonly BnFree _clearFree;
        private readonly BnFree _free;
        private readonly BnModExpConstTime _modExp;
        private readonly BnKronecker _kronecker;

        private LibCrypto(string name, IntPtr handle)
        {
            Name = name;
            _ctxNew = Bind<BnCtxNew>(handle, "BN_CTX_new");
            _ctxFree = Bind<BnCtxFree>(handle, "BN_CTX_free");
            _bin2bn = Bind<BnBin2Bn>(handle, "BN_bin2bn");
            _bn2binpad = Bind<BnBn2BinPad>(handle, "BN_bn2binpad");
            _new = Bind<BnNew>(handle, "BN_new");
            _clearFree = Bind<BnFree>(handle, "BN_clear_free");
            _free = Bind<BnFree>(handle, "BN_free");
            _modExp = Bind<BnModExpConstTime>(handle, "BN_mod_exp_mont_consttime");
            _kronecker = Bind<BnKronecker>(handle, "BN_kronecker");
        }

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate IntPtr BnCtxNew();

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate void BnCtxFree(IntPtr ctx);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate IntPtr BnBin2Bn(byte[] bytes, int length, IntPtr ret);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate int BnBn2BinPad(IntPtr bn, byte[] to, int length);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate IntPtr BnNew();

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate void BnFree(IntPtr bn);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate int BnModExpConstTime(IntPtr result, IntPtr a, IntPtr p, IntPtr m, IntPtr ctx, IntPtr mont);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate int BnKronecker(IntPtr a, IntPtr b, IntPtr ctx);

        public string Name { get; }

        public static LibCrypto? TryLoad()
        {
            if (!OperatingSystem.IsLinux())
            {
                return null;
            }

            foreach (string name in new[] { "libcrypto.so.3", "libcrypto.so.1.1", "libcrypto.so" })
            {
                if (NativeLibrary.TryLoad(name, out IntPtr handle))
                {
                    try
                    {
                        return new LibCrypto(name, handle);
                    }
                    catch (EntryPointNotFoundException)
                    {
                    }
                }
            }

            return null;
        }

        /// <remarks>
        /// Exponent and base (a secret generator for CPace) are copied only into pinned scratch arrays and BIGNUMs,
        /// and the result only into a pinned array: all wiped (<c>BN_clear_free</c>, ZeroMemory) before returning.
        /// </remarks>
        public bool TryModPow(ReadOnlySpan<byte> baseValue, ReadOnlySpan<byte> exponent, byte[] modulus, Span<byte> destination)
        {
            byte[] secret = SecretArray.Copy(exponent);
            byte[] baseBytes = SecretArray.Copy(baseValue);
            byte[] output = SecretArray.Allocate(destination.Length);
            IntPtr ctx = _ctxNew();
            IntPtr a = IntPtr.Zero, e = IntPtr.Zero, m = IntPtr.Zero, r = IntPtr.Zero;
            try
            {
                if (ctx == IntPtr.Zero)
                {
                    return false;
                }

                a = _bin2bn(baseBytes, baseBytes.Length, IntPtr.Zero);
                e = _bin2bn(secret, secret.Length, IntPtr.Zero);
                m = _bin2bn(modulus, modulus.Length, IntPtr.Zero);
                r = _new();
                if (a == IntPtr.Zero || e == IntPtr.Zero || m == IntPtr.Zero || r == IntPtr.Zero ||
                    _modExp(r, a, e, m, ctx, IntPtr.Zero) != 1 ||
                    _bn2binpad(r, output, output.Length) != output.Length)
                {
                    return false;
                }

                output.CopyTo(destination);
                return true;
            }
            finally
            {
                CryptographicOperations.ZeroMemory(secret);
                CryptographicOperations.ZeroMemory(baseBytes);
                CryptographicOperations.ZeroMemory(output);
                FreeIfSet(_clearFree, a);
                FreeIfSet(_clearFree, e);
                FreeIfSet(_free, m);
                FreeIfSet(_clearFree, r);
                if (ctx != IntPtr.Zero)
                {
                    _ctxFree(ctx); // clears its temporaries (BN_CTX_free clear-frees every pooled BIGNUM)
                }
            }
        }

        public bool TryKronecker(ReadOnlySpan<byte> value, byte[] modulus, out int symbol)
        {
            symbol = 0;
            byte[] valueBytes = SecretArray.Copy(value); // a secret generator is checked here too
            IntPtr ctx = _ctxNew();
            IntPtr a = IntPtr.Zero, m = IntPtr.Zero;
            try
            {
                if (ctx == IntPtr.Zero)
                {
                    return false;
                }

                a = _bin2bn(valueBytes, valueBytes.Length, IntPtr.Zero);
                m = _bin2bn(modulus, modulus.Length, IntPtr.Zero);
                if (a == IntPtr.Zero || m == IntPtr.Zero)
                {
                    return false;
                }

                symbol = _kronecker(a, m, ctx);
                return symbol is -1 or 0 or 1;
            }
            finally
            {
                CryptographicOperations.ZeroMemory(valueBytes);
                FreeIfSet(_clearFree, a);
                FreeIfSet(_free, m);
                if (ctx != IntPtr.Zero)
                {
                    _ctxFree(ctx);
                }
            }
        }

        private static void FreeIfSet(BnFree free, IntPtr bn)
        {
            if (bn != IntPtr.Zero)
            {
                free(bn);
            }
        }

        private static T Bind<T>(IntPtr handle, string export)
            where T : Delegate =>
            NativeLibrary.TryGetExport(handle, export, out IntPtr address)
                ? Marshal.GetDelegateForFunctionPointer<T>(address)
                : throw new EntryPointNotFoundException(export);
    }
}
