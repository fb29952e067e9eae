using System.Security.Cryptography;

namespace SecureChat.Engine.Tests.Identity;

/// <summary>Distinct 32-byte stand-ins for identity keys (the stores only compare and print them), and a fixed date.</summary>
internal static class TrustKeys
{
    public static byte[] Key(string name) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name));

    public static readonly TimeProvider May1st = new FixedTime(new DateTimeOffset(2026, 5, 1, 23, 30, 0, TimeSpan.Zero));

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
