using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Win32.SafeHandles;
using SecureChat.Engine.Identity;

namespace SecureChat.Engine.History;

/// <summary>
/// The history key kept without a passphrase: <c>history.key</c> in the config directory, beside the identity, mode
/// 0600, created atomically and never replaced:
/// <code>
/// securechat-history-key-v1
/// BASE64 OF THE 32-BYTE KEY
/// </code>
/// Read as bytes (never a string) so every copy is wiped; a file others can read or another user owns is refused, as
/// the identity key is. Stateless and thread-safe.
/// </summary>
internal static class HistoryKeyFile
{
    public const string FileName = "history.key";
    public const string Header = "securechat-history-key-v1";
    public const int MaxFileSize = 256;

    private static readonly byte[] s_header = Encoding.ASCII.GetBytes(Header);

    private static int EncodedSize => s_header.Length + 1 + Base64.GetMaxEncodedToUtf8Length(HistoryKey.KeySize) + 1;

    /// <summary>The key in the file, or null when there is no file.</summary>
    /// <exception cref="HistoryException">the file is malformed, others can read it, or it cannot be read.</exception>
    public static HistoryKey? TryLoad(ConfigDirectory directory)
    {
        string path = directory.PathOf(FileName);
        byte[] buffer = GC.AllocateArray<byte>(MaxFileSize + 1, pinned: true);
        byte[] secret = GC.AllocateArray<byte>(HistoryKey.KeySize, pinned: true);
        try
        {
            int length;
            try
            {
                using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
                if (!OperatingSystem.IsWindows())
                {
                    ConfigDirectory.RequireOwnFile(handle, path);
                    UnixFileMode mode = File.GetUnixFileMode(handle);
                    if ((mode & ConfigDirectory.GroupOrOtherMask) != 0)
                    {
                        throw Unusable(path, $"the history key {path} is accessible by other users (mode {ConfigDirectory.Octal(mode)}): refusing to use it; run: chmod 600 {path}");
                    }
                }

                length = RandomAccess.Read(handle, buffer, 0);
            }
            catch (FileNotFoundException)
            {
                return null;
            }
            catch (ConfigFileException e)
            {
                throw new HistoryException(HistoryFailure.KeyFileUnusable, path, e.Message, inner: e);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not HistoryException)
            {
                throw Unusable(path, $"cannot read the history key {path}: {(e is UnauthorizedAccessException ? "permission denied" : e.Message)}");
            }

            if (!TryParse(buffer.AsSpan(0, length), secret))
            {
                throw Unusable(path, $"the history key {path} is malformed: the history cannot be read without it; restore it from a backup");
            }

            return HistoryKey.FromBytes(secret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>Writes a new key file for <paramref name="key"/>; false (and nothing written) when one already exists.</summary>
    public static bool TryCreate(ConfigDirectory directory, HistoryKey key)
    {
        byte[] file = GC.AllocateArray<byte>(EncodedSize, pinned: true);
        byte[] secret = GC.AllocateArray<byte>(HistoryKey.KeySize, pinned: true);
        try
        {
            key.CopyTo(secret);
            s_header.CopyTo(file, 0);
            int o = s_header.Length;
            file[o++] = (byte)'\n';
            Base64.EncodeToUtf8(secret, file.AsSpan(o), out _, out int written);
            file[o + written] = (byte)'\n';
            return directory.TryCreateAtomic(FileName, file, ConfigDirectory.PrivateFileMode);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(file);
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    private static bool TryParse(ReadOnlySpan<byte> file, Span<byte> secret)
    {
        if (file.Length > MaxFileSize || !file.StartsWith(s_header) || file.Length <= s_header.Length || file[s_header.Length] != (byte)'\n')
        {
            return false;
        }

        ReadOnlySpan<byte> encoded = file[(s_header.Length + 1)..].TrimEnd("\n"u8);
        return encoded.Length == Base64.GetMaxEncodedToUtf8Length(HistoryKey.KeySize)
            && Base64.DecodeFromUtf8(encoded, secret, out int consumed, out int decoded) == OperationStatus.Done
            && consumed == encoded.Length && decoded == HistoryKey.KeySize;
    }

    private static HistoryException Unusable(string path, string message) => new(HistoryFailure.KeyFileUnusable, path, message);
}
