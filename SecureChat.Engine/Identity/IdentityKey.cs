using SecureChat.Engine.Crypto;
using System.Security.Cryptography;
using NSec.Cryptography;

namespace SecureChat.Engine.Identity;

/// <summary>
/// A user's long-term identity: an Ed25519 key pair (RFC 8032 section 5.1, pure Ed25519 without context, through
/// NSec/libsodium). The private key lives in NSec's native memory; the seed read from the file or drawn at creation
/// is wiped from managed memory (pinned, so the collector cannot leave copies) as soon as it is imported.
/// <para>
/// <see cref="LoadOrCreate"/> uses the config directory's <c>identity</c> file (secret, mode 0600; layout in
/// <see cref="IdentityKeyFile"/>) and keeps <c>identity.pub</c> (readable) beside it. Like ssh, a key file that
/// group or others can access is refused, and a malformed one is refused and left untouched: an existing identity
/// is never replaced silently. Two instances creating the identity at the same moment end up with the same key.
/// </para>
/// Thread-safe: <see cref="Sign"/> may be called from several threads. Signatures are checked by
/// <see cref="IdentitySignature"/>.
/// </summary>
public sealed class IdentityKey : ISeedSigner, IDisposable
{
    public const int PublicKeySize = IdentitySignature.PublicKeySize;
    public const int SignatureSize = IdentitySignature.SignatureSize;

    private static readonly SignatureAlgorithm s_algorithm = SignatureAlgorithm.Ed25519;

    // The MLS groups sign with the identity key itself (PROTOCOL.md 4.8) through an API that takes the raw seed, and
    // their files at rest are sealed under a key derived from it, so the seed can be exported once per client.

    private readonly Key _key;
    private readonly byte[] _publicKey;
    private volatile bool _disposed;

    private IdentityKey(Key key)
    {
        _key = key;
        _publicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        Fingerprint = IdentityFingerprint.Of(_publicKey);
    }

    /// <summary>The 32-byte Ed25519 public key (a copy).</summary>
    public byte[] PublicKey => (byte[])_publicKey.Clone();

    /// <summary>The display fingerprint (<see cref="IdentityFingerprint"/>).</summary>
    public string Fingerprint { get; }

    /// <summary>SHA-256 of the public key, as relayed records carry it.</summary>
    public byte[] IdentityDigest => IdentityFingerprint.IdentityDigest(_publicKey);

    /// <summary>
    /// Loads the identity from <paramref name="directory"/>, creating it on first run.
    /// </summary>
    /// <exception cref="ConfigFileException">the key file is accessible by other users, malformed, or cannot be created.</exception>
    public static IdentityKey LoadOrCreate(ConfigDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        IdentityKey? key = TryLoad(directory);
        if (key is null)
        {
            // Under the lock only one instance creates; the move without overwrite keeps a racing creator that
            // ignores the lock from replacing a key already there. Either way everyone loads what is on disk.
            using (directory.Lock())
            {
                if (!File.Exists(directory.PathOf(IdentityKeyFile.FileName)))
                {
                    Create(directory);
                }
            }

            key = TryLoad(directory) ?? throw new ConfigFileException(directory.PathOf(IdentityKeyFile.FileName),
                $"the identity key {directory.PathOf(IdentityKeyFile.FileName)} disappeared while it was being created");
        }

        key.WritePublicFile(directory);
        return key;
    }

    /// <summary>An identity from a raw 32-byte seed (test vectors, tests).</summary>
    internal static IdentityKey FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != IdentityKeyFile.SeedSize)
        {
            throw new ArgumentException("an Ed25519 seed is 32 bytes", nameof(seed));
        }

        return new IdentityKey(Key.Import(s_algorithm, seed, KeyBlobFormat.RawPrivateKey, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));
    }

    /// <summary>
    /// A copy of the 32-byte private seed, for the member's MLS groups (their leaf signature key is this key) and the
    /// key that seals them at rest. The caller wipes it.
    /// </summary>
    internal byte[] ExportSeed()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _key.Export(KeyBlobFormat.RawPrivateKey);
    }

    byte[] ISeedSigner.ExportSeed() => ExportSeed();

    /// <summary>Signs <paramref name="data"/> (Ed25519, deterministic): 64 bytes.</summary>
    public byte[] Sign(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return s_algorithm.Sign(_key, data);
    }

    public void Dispose()
    {
        _disposed = true;
        _key.Dispose();
    }

    private static void Create(ConfigDirectory directory)
    {
        byte[] seed = GC.AllocateArray<byte>(IdentityKeyFile.SeedSize, pinned: true);
        byte[] file = GC.AllocateArray<byte>(IdentityKeyFile.EncodedSize, pinned: true);
        try
        {
            RandomNumberGenerator.Fill(seed);
            IdentityKeyFile.Write(seed, file);
            directory.TryCreateAtomic(IdentityKeyFile.FileName, file, ConfigDirectory.PrivateFileMode);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
            CryptographicOperations.ZeroMemory(file);
        }
    }

    /// <summary>The identity on disk, or null when there is no key file.</summary>
    private static IdentityKey? TryLoad(ConfigDirectory directory)
    {
        string path = directory.PathOf(IdentityKeyFile.FileName);
        byte[] buffer = GC.AllocateArray<byte>(IdentityKeyFile.MaxFileSize + 1, pinned: true);
        byte[] seed = GC.AllocateArray<byte>(IdentityKeyFile.SeedSize, pinned: true);
        try
        {
            int length;
            try
            {
                using Microsoft.Win32.SafeHandles.SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
                if (!OperatingSystem.IsWindows())
                {
                    ConfigDirectory.RequireOwnFile(handle, path);
                    UnixFileMode mode = File.GetUnixFileMode(handle);
                    if ((mode & ConfigDirectory.GroupOrOtherMask) != 0)
                    {
                        throw new ConfigFileException(path,
                            $"the identity key {path} is accessible by other users (mode {ConfigDirectory.Octal(mode)}): refusing to use it; run: chmod 600 {path}");
                    }
                }

                length = ReadAll(handle, buffer);
            }
            catch (FileNotFoundException)
            {
                return null;
            }
            catch (UnauthorizedAccessException e)
            {
                throw new ConfigFileException(path, $"cannot read the identity key {path}: permission denied", e);
            }
            catch (IOException e) when (e is not ConfigFileException)
            {
                throw new ConfigFileException(path, $"cannot read the identity key {path}: {e.Message}", e);
            }

            if (length > IdentityKeyFile.MaxFileSize || !IdentityKeyFile.TryRead(buffer.AsSpan(0, length), seed))
            {
                throw new ConfigFileException(path,
                    $"the identity key {path} is malformed: refusing to use or replace it; restore it from a backup, or move it away to create a new identity");
            }

            return new IdentityKey(Key.Import(s_algorithm, seed, KeyBlobFormat.RawPrivateKey, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    private static int ReadAll(Microsoft.Win32.SafeHandles.SafeFileHandle handle, byte[] buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = RandomAccess.Read(handle, buffer.AsSpan(total), total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    /// <summary>Keeps identity.pub in step with the key; informational only, so failing to write it is not an error.</summary>
    private void WritePublicFile(ConfigDirectory directory)
    {
        string text = IdentityKeyFile.PublicText(_publicKey);
        try
        {
            if (directory.ReadAllText(IdentityKeyFile.PublicFileName, IdentityKeyFile.MaxFileSize) != text)
            {
                directory.WriteAllTextAtomic(IdentityKeyFile.PublicFileName, text, ConfigDirectory.PublicFileMode);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
