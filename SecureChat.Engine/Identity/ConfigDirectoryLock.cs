namespace SecureChat.Engine.Identity;

/// <summary>
/// An exclusive, inter-process lock on a config directory, held while open; dispose to release it. It is the
/// <c>.lock</c> file opened with <see cref="FileShare.None"/>, which .NET implements on Unix with
/// <c>flock(LOCK_EX)</c>: an advisory lock on the open file that the kernel releases when the process dies, so a
/// crashed instance never leaves a stale lock behind, and the file itself is never deleted (deleting a lock file
/// lets two processes lock two different files). Two handles opened in one process exclude each other too.
/// Not thread-safe: one owner disposes it.
/// </summary>
public sealed class ConfigDirectoryLock : IDisposable
{
    /// <summary>How long <see cref="ConfigDirectory.Lock"/> waits by default: far longer than any rewrite takes.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private FileStream? _stream;

    private ConfigDirectoryLock(FileStream stream)
    {
        _stream = stream;
    }

    internal static ConfigDirectoryLock Acquire(string lockPath, TimeSpan timeout)
    {
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return new ConfigDirectoryLock(new FileStream(lockPath, ConfigDirectory.Options(FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, ConfigDirectory.PrivateFileMode)));
            }
            catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException && Environment.TickCount64 < deadline)
            {
                // Held by another instance: back off a little, with jitter so waiters do not retry in step.
                Thread.Sleep(Math.Min(2 + attempt * 2, 20) + Random.Shared.Next(5));
            }
            catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
            {
                throw new ConfigFileException(lockPath,
                    $"could not lock {lockPath}: another SecureChat using the same config directory held it for more than {timeout.TotalSeconds:0.#} s", e);
            }
        }
    }

    public void Dispose()
    {
        _stream?.Dispose();
        _stream = null;
    }
}
