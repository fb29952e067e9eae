using System.Numerics;

namespace SecureChat.Engine.Tests.Support;

internal static class Hex
{
    public static byte[] Bytes(string hex) => Convert.FromHexString(hex);

    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    /// <summary>Parses an unsigned big-endian hex number of any length ("0", "7", "FF..").</summary>
    public static BigInteger Number(string hex) => BigInteger.Parse("0" + hex, System.Globalization.NumberStyles.AllowHexSpecifier);

    /// <summary>Big-endian encoding at exactly <paramref name="size"/> bytes, or null when the value does not fit.</summary>
    public static byte[]? Fixed(BigInteger value, int size)
    {
        int length = value.GetByteCount(isUnsigned: true);
        if (length > size)
        {
            return null;
        }

        byte[] result = new byte[size];
        value.TryWriteBytes(result.AsSpan(size - length), out _, isUnsigned: true, isBigEndian: true).ShouldBeTrue();
        return result;
    }
}
