namespace SecureChat.Engine.History;

/// <summary>Why the history could not be opened or used; the app runs on without history in every case.</summary>
public enum HistoryFailure
{
    /// <summary>The history passphrase does not open the history's key. Nothing was changed.</summary>
    WrongPassphrase,

    /// <summary>The history is protected by a passphrase and none was given, or the other way round. Nothing was changed.</summary>
    WrongProtection,

    /// <summary>The key file that opens the history is missing, malformed or belongs to another history. Nothing was changed.</summary>
    KeyFileUnusable,

    /// <summary>The database file is damaged (truncated, malformed); it was moved aside.</summary>
    Damaged,

    /// <summary>The database file is not a SecureChat history (another program's file); it was moved aside.</summary>
    Foreign,

    /// <summary>The database was written by a newer SecureChat (a later schema version). Nothing was changed.</summary>
    NewerSchema,

    /// <summary>Another running SecureChat has the history open.</summary>
    InUse,

    /// <summary>SQLite could not read the history (an I/O error, not damaged content).</summary>
    Unreadable,

    /// <summary>The data directory cannot be used (mode, owner, not creatable).</summary>
    DirectoryUnusable,
}
