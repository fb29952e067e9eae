using SecureChat.Engine.Crypto;
using System.Buffers.Text;
using System.Text;

namespace SecureChat.Engine.Identity;

/// <summary>
/// The text layout of the secret <c>identity</c> file: a header line, then the 32-byte Ed25519 private seed
/// (RFC 8032 section 5.1.5, the "private key" k) in standard base64, each line ending in LF:
/// <code>
/// securechat-identity-v1 ed25519
/// nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=
/// </code>
/// Anything else (another header, a seed of another length, bad base64, extra non-empty lines) is malformed.
/// Works on bytes, never strings, so the caller can wipe every copy of the seed. Stateless and thread-safe.
/// </summary>
internal static class IdentityKeyFile
{
    public const string FileName = "identity";
    public const string PublicFileName = "identity.pub";
    public const string Header = "securechat-identity-v1 ed25519";
    public const int SeedSize = 32;

    /// <summary>Larger than any well-formed file; a bigger one is refused before it is read.</summary>
    public const int MaxFileSize = 1024;

    private static readonly byte[] s_header = Encoding.ASCII.GetBytes(Header);

    /// <summary>The size of the file for one seed.</summary>
    public static int EncodedSize => s_header.Length + 1 + Base64.GetMaxEncodedToUtf8Length(SeedSize) + 1;

    /// <summary>Writes the file for <paramref name="seed"/> into <paramref name="destination"/> (<see cref="EncodedSize"/> bytes).</summary>
    public static void Write(ReadOnlySpan<byte> seed, Span<byte> destination)
    {
        if (seed.Length != SeedSize || destination.Length != EncodedSize)
        {
            throw new ArgumentException("a 32-byte seed and a destination of EncodedSize bytes");
        }

        s_header.CopyTo(destination);
        int o = s_header.Length;
        destination[o++] = (byte)'\n';
        Base64.EncodeToUtf8(seed, destination[o..], out _, out int written);
        o += written;
        destination[o] = (byte)'\n';
    }

    /// <summary>Reads the seed from a file's bytes; false when they are not a well-formed identity file.</summary>
    public static bool TryRead(ReadOnlySpan<byte> file, Span<byte> seed)
    {
        if (seed.Length != SeedSize)
        {
            throw new ArgumentException("a 32-byte seed buffer", nameof(seed));
        }

        ReadOnlySpan<byte> rest = file;
        if (!TryTakeLine(ref rest, out ReadOnlySpan<byte> header) || !header.SequenceEqual(s_header)
            || !TryTakeLine(ref rest, out ReadOnlySpan<byte> encoded) || encoded.Length != Base64.GetMaxEncodedToUtf8Length(SeedSize))
        {
            return false;
        }

        while (TryTakeLine(ref rest, out ReadOnlySpan<byte> extra))
        {
            if (!extra.IsEmpty)
            {
                return false;
            }
        }

        return Base64.DecodeFromUtf8(encoded, seed, out int consumed, out int decoded) == System.Buffers.OperationStatus.Done
            && consumed == encoded.Length && decoded == SeedSize;
    }

    /// <summary>The text of <c>identity.pub</c>: a comment with the fingerprint, then <c>ed25519 BASE64</c>.</summary>
    public static string PublicText(ReadOnlySpan<byte> publicKey) =>
        $"# SecureChat identity (Ed25519 public key); fingerprint {IdentityFingerprint.Of(publicKey)}\n" +
        $"ed25519 {Convert.ToBase64String(publicKey)}\n";

    private static bool TryTakeLine(ref ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> line)
    {
        if (rest.IsEmpty)
        {
            line = default;
            return false;
        }

        int end = rest.IndexOf((byte)'\n');
        line = end < 0 ? rest : rest[..end];
        rest = end < 0 ? default : rest[(end + 1)..];
        if (!line.IsEmpty && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        return true;
    }
}
