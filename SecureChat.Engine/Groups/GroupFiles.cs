using System.Security.Cryptography;
using System.Text;
using SecureChat.Engine.Identity;

namespace SecureChat.Engine.Groups;

/// <summary>
/// The member's groups at rest: one file per group and one for the unused key packages, in the config directory's
/// <c>groups/</c> folder (mode 0700, files 0600, each replaced atomically). Each file is
/// <c>"SCG1" || nonce (12) || AES-256-GCM ciphertext || tag (16)</c> under a key derived with HKDF-SHA256 from the
/// identity private key (info <c>securechat groups at rest v1</c>), with the file's name as associated data, so a
/// file cannot be read without the identity, altered, or passed off as another group's. The plaintexts handed in are
/// wiped once sealed. Not thread-safe.
/// </summary>
internal sealed class GroupFiles : IDisposable
{
    public const string DirectoryName = "groups";
    public const string KeyPackagesName = "key-packages";
    public const int FileMax = 8 * 1024 * 1024;

    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] s_magic = "SCG1"u8.ToArray();

    private readonly ConfigDirectory _directory;
    private readonly byte[] _key;

    public GroupFiles(ConfigDirectory config, ReadOnlySpan<byte> identitySeed)
    {
        _directory = ConfigDirectory.OpenPath(System.IO.Path.Combine(config.Path, DirectoryName));
        _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, identitySeed.ToArray(), 32, [], "securechat groups at rest v1"u8.ToArray());
    }

    public string Path => _directory.Path;

    /// <summary>The file name of a group: its target hashed, so that no room or person shows in a directory listing.</summary>
    public static string NameOf(string groupKey) => "g-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(groupKey)))[..32];

    /// <summary>Seals <paramref name="plaintext"/> into file <paramref name="name"/>, replacing it, and wipes the plaintext.</summary>
    public void Write(string name, byte[] plaintext)
    {
        byte[] file = new byte[s_magic.Length + NonceSize + plaintext.Length + TagSize];
        try
        {
            s_magic.CopyTo(file, 0);
            Span<byte> nonce = file.AsSpan(s_magic.Length, NonceSize);
            RandomNumberGenerator.Fill(nonce);
            using var aes = new AesGcm(_key, TagSize);
            aes.Encrypt(nonce, plaintext, file.AsSpan(s_magic.Length + NonceSize, plaintext.Length), file.AsSpan(file.Length - TagSize), Encoding.UTF8.GetBytes(name));
            _directory.WriteAtomic(name, file);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    public void Delete(string name)
    {
        try
        {
            File.Delete(_directory.PathOf(name));
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The plaintext of file <paramref name="name"/>; null when it does not exist; false with a reason when it cannot be opened.</summary>
    public bool TryRead(string name, out byte[]? plaintext, out string failure)
    {
        plaintext = null;
        failure = "";
        string path = _directory.PathOf(name);
        byte[] file;
        try
        {
            if (!File.Exists(path))
            {
                return true;
            }

            if (new FileInfo(path).Length > FileMax)
            {
                failure = $"{path} is larger than {FileMax} bytes";
                return false;
            }

            file = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            failure = $"cannot read {path}: {e.Message}";
            return false;
        }

        if (file.Length < s_magic.Length + NonceSize + TagSize || !file.AsSpan(0, s_magic.Length).SequenceEqual(s_magic))
        {
            failure = $"{path} is not a group file";
            return false;
        }

        byte[] opened = new byte[file.Length - s_magic.Length - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(_key, TagSize);
            aes.Decrypt(file.AsSpan(s_magic.Length, NonceSize), file.AsSpan(s_magic.Length + NonceSize, opened.Length), file.AsSpan(file.Length - TagSize), opened, Encoding.UTF8.GetBytes(name));
        }
        catch (AuthenticationTagMismatchException)
        {
            failure = $"{path} does not open with this identity's key (altered, or another identity's)";
            return false;
        }

        plaintext = opened;
        return true;
    }

    /// <summary>The names of the group files present.</summary>
    public IEnumerable<string> GroupNames() =>
        Directory.EnumerateFiles(_directory.Path, "g-*").Select(System.IO.Path.GetFileName).Where(n => n is { Length: 34 }).Select(n => n!);

    public void Dispose() => CryptographicOperations.ZeroMemory(_key);
}
