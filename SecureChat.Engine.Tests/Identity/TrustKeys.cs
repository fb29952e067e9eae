using System.Security.Cryptography;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Identity;

/// <summary>Distinct 32-byte stand-ins for identity keys (the stores only compare and print them), and a fixed date.</summary>
internal static class TrustKeys
{
    public static byte[] Key(string name) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name));

    public static readonly TimeProvider May1st = new WallClock(new DateTimeOffset(2026, 5, 1, 23, 30, 0, TimeSpan.Zero));
}
