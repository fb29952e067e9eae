namespace SecureChat.Engine.Identity;

/// <summary>
/// A problem with a file in the config directory that the user must fix: a key file other users can read, a
/// malformed file, a lock held too long. <see cref="Exception.Message"/> is one plain line naming the file and,
/// where there is one, the fix; the app shows it as it is.
/// </summary>
public sealed class ConfigFileException : IOException
{
    public ConfigFileException(string path, string message)
        : base(message)
    {
        FilePath = path;
    }

    public ConfigFileException(string path, string message, Exception inner)
        : base(message, inner)
    {
        FilePath = path;
    }

    /// <summary>The file or directory the message is about.</summary>
    public string FilePath { get; }
}
