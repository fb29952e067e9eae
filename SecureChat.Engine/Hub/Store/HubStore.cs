using Microsoft.Data.Sqlite;

namespace SecureChat.Engine.Hub.Store;

/// <summary>
/// The hub's store and forward (PROTOCOL.md 4.8): one SQLite file, <c>hub.db</c>, in the hub's data directory. It
/// keeps per room an append-ordered log of what the hub relays (commits, Welcomes, application messages: MLS bytes
/// the hub cannot read), bounded by <see cref="HubStoreOptions.RoomBytesMax"/> and <see cref="HubStoreOptions.RoomAgeMax"/>;
/// the records held for identities that have no link, bounded per recipient; and what the delivery service needs to
/// go on after a restart (each group's roster and epoch, each room's members by identity).
/// <para>
/// Durability: the file is in WAL mode with <c>synchronous=FULL</c>, so every write returns only after SQLite has
/// synced the write-ahead log: what a method returned from survives the process being killed (SIGKILL) or the machine
/// losing power, and the hub acknowledges a record (PROTOCOL.md 4.7) only after it was written. Each method is one
/// transaction: it happens whole or not at all.
/// </para>
/// <para>
/// A file that is not the store (another program's database, not SQLite, cut off) is moved aside to
/// <c>hub.db.unreadable-TIME</c> and a new store is started: <see cref="SetAside"/> and <see cref="SetAsideReason"/>
/// say so, for the operator to be told. A store of a newer schema is refused (<see cref="HubStoreException"/>): it is
/// never overwritten. Thread-safe (one connection behind a lock).
/// </para>
/// </summary>
internal sealed partial class HubStore : IDisposable
{
    /// <summary>SQLITE_CORRUPT and SQLITE_NOTADB: the file is not a database SQLite can read.</summary>
    private const int SqliteCorrupt = 11;
    private const int SqliteNotADatabase = 26;

    private readonly object _gate = new();
    private readonly SqliteConnection _connection;
    private readonly HubStoreOptions _options;
    private bool _disposed;

    private HubStore(SqliteConnection connection, string path, HubStoreOptions options, string? setAside, string? setAsideReason)
    {
        _connection = connection;
        _options = options;
        Path = path;
        SetAside = setAside;
        SetAsideReason = setAsideReason;
    }

    /// <summary>The store's file.</summary>
    public string Path { get; }

    /// <summary>Where an unreadable file found at <see cref="Path"/> was moved when the store was opened, else null.</summary>
    public string? SetAside { get; }

    /// <summary>Why the file at <see cref="SetAside"/> could not be the store, in plain words, else null.</summary>
    public string? SetAsideReason { get; }

    /// <summary>Opens the store in <paramref name="directory"/> (created with mode 0700), or starts one there.</summary>
    /// <exception cref="HubStoreException">the directory or file cannot be used, or the store is of a newer version.</exception>
    public static HubStore Open(string directory, HubStoreOptions? options = null)
    {
        options ??= new HubStoreOptions();
        try
        {
            string path = HubStoreFile.Prepare(directory);
            string? reason = HubStoreFile.Problem(path);
            SqliteConnection? connection = null;
            int version = 0;
            if (reason is null)
            {
                try
                {
                    // Looked at before anything is written: another program's file is moved aside as it was.
                    connection = Connect(path);
                    reason = Inspect(connection, path, out version);
                }
                catch (SqliteException e) when (e.SqliteErrorCode is SqliteCorrupt or SqliteNotADatabase)
                {
                    reason = "SQLite cannot read it (" + e.Message + ")";
                }
            }

            string? aside = null;
            if (reason is not null)
            {
                connection?.Dispose();
                aside = HubStoreFile.SetAside(path, options.Time.GetUtcNow());
                path = HubStoreFile.Prepare(directory);
                connection = Connect(path);
                version = 0;
            }

            Configure(connection!, path);
            HubStoreSchema.Upgrade(connection!, version);
            return new HubStore(connection!, path, options, aside, reason);
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new HubStoreException($"could not open the hub's store in {directory}: {e.Message}", e);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                _disposed = true;
                _connection.Dispose();
            }
        }
    }

    private static SqliteConnection Connect(string path)
    {
        // No pooling: Dispose closes the file, so a set-aside file can be moved and a test can reopen it.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        try
        {
            connection.Open();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static void Configure(SqliteConnection connection, string path)
    {
        try
        {
            using SqliteCommand wal = connection.CreateCommand();
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            if (wal.ExecuteScalar() is not string mode || !mode.Equals("wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new HubStoreException($"could not put the hub's store {path} in WAL mode");
            }

            // FULL: a commit returns once the write-ahead log is synced (https://sqlite.org/pragma.html#pragma_synchronous).
            HubStoreSchema.Execute(connection, null, "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000;");
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Null when the open file is a new store or the hub's store (its version out), else why it is neither.</summary>
    private static string? Inspect(SqliteConnection connection, string path, out int version)
    {
        long applicationId = HubStoreSchema.Scalar(connection, "PRAGMA application_id;");
        version = (int)HubStoreSchema.Scalar(connection, "PRAGMA user_version;");
        long tables = HubStoreSchema.Scalar(connection, "SELECT count(*) FROM sqlite_master;");
        if (applicationId == 0 && version == 0 && tables == 0)
        {
            return null;
        }

        if (applicationId != HubStoreSchema.ApplicationId)
        {
            version = 0;
            return "it is another program's database";
        }

        if (version > HubStoreSchema.CurrentVersion)
        {
            connection.Dispose();
            throw new HubStoreException(
                $"the hub's store {path} was written by a newer SecureChat (schema {version}; this one reads up to {HubStoreSchema.CurrentVersion}): it was left as it is");
        }

        return null;
    }

    /// <summary>Runs <paramref name="work"/> in one transaction under the lock; it is synced to disk when this returns.</summary>
    private T Write<T>(Func<SqliteTransaction, T> work)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                using SqliteTransaction transaction = _connection.BeginTransaction();
                T result = work(transaction);
                transaction.Commit();
                return result;
            }
            catch (SqliteException e)
            {
                throw new HubStoreException($"could not write the hub's store {Path}: {e.Message}", e);
            }
        }
    }

    private T Read<T>(Func<T> work)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                return work();
            }
            catch (SqliteException e)
            {
                throw new HubStoreException($"could not read the hub's store {Path}: {e.Message}", e);
            }
        }
    }

    /// <summary>The connection's <c>synchronous</c> setting (2: FULL) and whether the file is in WAL mode, as SQLite reports them.</summary>
    internal (long Synchronous, bool Wal) Durability() => Read(() =>
    {
        using SqliteCommand journal = Command("PRAGMA journal_mode;");
        return (HubStoreSchema.Scalar(_connection, "PRAGMA synchronous;"), journal.ExecuteScalar() is string mode && mode == "wal");
    });

    private SqliteCommand Command(string sql, SqliteTransaction? transaction = null, params (string Name, object? Value)[] parameters)
    {
        SqliteCommand command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach ((string name, object? value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private long UnixMs() => _options.Time.GetUtcNow().ToUnixTimeMilliseconds();
}
