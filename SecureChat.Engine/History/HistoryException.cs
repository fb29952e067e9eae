namespace SecureChat.Engine.History;

/// <summary>
/// The history cannot be used: <see cref="Exception.Message"/> is one plain line naming the file, what happened and,
/// where there is one, the fix; the app shows it as it is and runs without history. A damaged or foreign database
/// has been moved aside (<see cref="MovedTo"/>), never overwritten; in every other case nothing on disk was changed.
/// </summary>
public sealed class HistoryException : IOException
{
    public HistoryException(HistoryFailure failure, string path, string message, string? movedTo = null, Exception? inner = null)
        : base(message, inner)
    {
        Failure = failure;
        FilePath = path;
        MovedTo = movedTo;
    }

    public HistoryFailure Failure { get; }

    /// <summary>The file or directory the message is about.</summary>
    public string FilePath { get; }

    /// <summary>Where the damaged or foreign database now is, or null when it was left in place.</summary>
    public string? MovedTo { get; }
}
