using System.Diagnostics;
using System.Security.Cryptography;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;

namespace SecureChat.Bench;

/// <summary>
/// The two costly primitives of a handshake, measured alone on one thread: PBKDF2-HMAC-SHA256 at the default
/// 100,000 iterations (through the engine's own <see cref="KeySchedule.DeriveMaster"/>, with a 256-byte
/// shared secret and a 32-byte transcript hash, as in a real ffdhe2048 handshake) and one ffdhe2048 key pair
/// plus one agreement (what each side does per handshake).
/// </summary>
internal static class CryptoBaselines
{
    /// <summary>
    /// PBKDF2 through the engine and through <see cref="Rfc2898DeriveBytes.Pbkdf2(byte[], byte[], int, HashAlgorithmName, int)"/>
    /// directly, alternating so both see the same machine load; the engine's figure is the baseline.
    /// </summary>
    public static (Samples Engine, Samples Raw) MeasurePbkdf2(BenchSettings settings)
    {
        byte[] secret = RandomNumberGenerator.GetBytes(DhGroup.Ffdhe2048.ElementSize);
        byte[] salt = RandomNumberGenerator.GetBytes(WireFormat.TranscriptHashSize);
        var engine = new Samples(settings.CryptoIterations);
        var raw = new Samples(settings.CryptoIterations);
        for (int i = 0; i < settings.CryptoWarmup + settings.CryptoIterations; i++)
        {
            long start = Stopwatch.GetTimestamp();
            byte[] master = KeySchedule.DeriveMaster(secret, salt, WireFormat.IterationsDefault);
            long middle = Stopwatch.GetTimestamp();
            byte[] direct = Rfc2898DeriveBytes.Pbkdf2(secret, salt, WireFormat.IterationsDefault, HashAlgorithmName.SHA256, 32);
            long end = Stopwatch.GetTimestamp();
            if (!master.AsSpan().SequenceEqual(direct))
            {
                throw new InvalidOperationException("the engine's PBKDF2 differs from the BCL's");
            }

            CryptographicOperations.ZeroMemory(master);
            CryptographicOperations.ZeroMemory(direct);
            if (i >= settings.CryptoWarmup)
            {
                engine.Add(Stopwatch.GetElapsedTime(start, middle).TotalMilliseconds);
                raw.Add(Stopwatch.GetElapsedTime(middle, end).TotalMilliseconds);
            }
        }

        return (engine, raw);
    }

    /// <summary>Key generation and agreement timed together, and each part separately.</summary>
    public static (Samples Total, Samples KeyGen, Samples Agree, Samples Residue) MeasureDh(BenchSettings settings)
    {
        DhGroup group = DhGroup.Ffdhe2048;
        using DhKeyPair peer = DiffieHellman.GenerateKeyPair(group, SystemRandom.Instance);
        byte[] shared = new byte[group.ElementSize];
        var total = new Samples(settings.CryptoIterations);
        var keyGen = new Samples(settings.CryptoIterations);
        var agree = new Samples(settings.CryptoIterations);
        var residue = new Samples(settings.CryptoIterations);
        int iterations = settings.CryptoIterations * 2;
        for (int i = 0; i < settings.CryptoWarmup + iterations; i++)
        {
            long start = Stopwatch.GetTimestamp();
            using DhKeyPair own = DiffieHellman.GenerateKeyPair(group, SystemRandom.Instance);
            long generated = Stopwatch.GetTimestamp();
            if (!DiffieHellman.TryAgree(own, peer.PublicValue, shared))
            {
                throw new InvalidOperationException("DH agreement failed on a valid key");
            }

            long end = Stopwatch.GetTimestamp();
            _ = ModularArithmetic.IsQuadraticResidue(peer.PublicValue, group);
            long checkedResidue = Stopwatch.GetTimestamp();
            if (i >= settings.CryptoWarmup)
            {
                total.Add(Stopwatch.GetElapsedTime(start, end).TotalMilliseconds);
                keyGen.Add(Stopwatch.GetElapsedTime(start, generated).TotalMilliseconds);
                agree.Add(Stopwatch.GetElapsedTime(generated, end).TotalMilliseconds);
                residue.Add(Stopwatch.GetElapsedTime(end, checkedResidue).TotalMilliseconds);
            }
        }

        CryptographicOperations.ZeroMemory(shared);
        return (total, keyGen, agree, residue);
    }
}
