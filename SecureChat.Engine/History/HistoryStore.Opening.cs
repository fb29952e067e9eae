using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using SecureChat.Engine.Identity;

namespace SecureChat.Engine.History;

/// <summary>Opening the history: the directory, the lock, the file checks, the schema, and unlocking the key.</summary>
public sealed partial class HistoryStore
{
    private const int DatabaseIdSize = 16;
    private const string ProtectionPassphrase = "passphrase";
    private const string ProtectionKeyFile = "key-file";

    /// <summary>
    /// Opens (or creates) the history in <see cref="HistoryOptions.DataDirectory"/>, unlocks its key, deletes what
    /// retention no longer keeps, and builds the search index from the decrypted lines.
    /// </summary>
    /// <exception cref="HistoryException">
    /// the history cannot be used; its one-line message says why. A damaged or foreign database has been moved aside;
    /// otherwise (a wrong passphrase, a missing key file, a newer schema, another instance) nothing was changed.
    /// </exception>
    public static HistoryStore Open(HistoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string directory = DataDirectory.OpenPath(options.DataDirectory);
        string path = Path.Combine(directory, HistoryDatabaseFile.FileName);
        FileStream held = TakeLock(Path.Combine(directory, HistoryDatabaseFile.LockFileName), path);
        try
        {
            return OpenLocked(options, path, held);
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    private static FileStream TakeLock(string lockPath, string path)
    {
        try
        {
            // FileShare.None is flock(LOCK_EX) on Unix: released by the kernel if the process dies.
            return new FileStream(lockPath, ConfigDirectory.Options(FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, ConfigDirectory.PrivateFileMode));
        }
        catch (IOException e)
        {
            throw new HistoryException(HistoryFailure.InUse, path,
                $"the history {path} is open in another SecureChat: running without history", inner: e);
        }
    }

    private static HistoryStore OpenLocked(HistoryOptions options, string path, FileStream held)
    {
        DateTimeOffset now = options.Time.GetUtcNow();
        bool created = HistoryDatabaseFile.CreateIfMissing(path);
        if (!created && HistoryDatabaseFile.Problem(path) is { } problem)
        {
            throw MovedAside(HistoryFailure.Damaged, path, $"is damaged: {problem}", now);
        }

        SqliteConnection connection = Connect(path);
        HistoryKey? key = null;
        try
        {
            (int application, int version, long objects) = HistorySchema.Probe(connection);
            byte[] databaseId;
            if (application == 0 && version == 0 && objects == 0)
            {
                Execute(connection, "PRAGMA journal_mode = WAL");
                (key, databaseId) = Create(connection, options);
            }
            else if (application != HistorySchema.ApplicationId)
            {
                connection.Dispose();
                throw MovedAside(HistoryFailure.Foreign, path, "is not a SecureChat history (another program's database)", now);
            }
            else if (version > HistorySchema.CurrentVersion)
            {
                throw new HistoryException(HistoryFailure.NewerSchema, path,
                    $"the history {path} was written by a newer SecureChat (schema version {version}; this one reads up to {HistorySchema.CurrentVersion}): running without history; nothing was changed");
            }
            else
            {
                (key, databaseId) = Unlock(connection, options, path, version);
                Execute(connection, "PRAGMA journal_mode = WAL");
                if (version < HistorySchema.CurrentVersion)
                {
                    using SqliteTransaction transaction = connection.BeginTransaction();
                    HistorySchema.Migrate(connection, transaction, version);
                    transaction.Commit();
                }
            }

            Execute(connection, "PRAGMA synchronous = NORMAL");
            // Deleted rows are overwritten with zeros: cleared lines must not stay readable in free pages under a key
            // that still exists.
            Execute(connection, "PRAGMA secure_delete = ON");
            var store = new HistoryStore(options, path, connection, key, databaseId, held);
            try
            {
                store.ApplyRetention();
                store.StartIndexing();
                return store;
            }
            catch
            {
                store.Dispose();
                throw;
            }
        }
        catch (Exception e) when (e is SqliteException s && IsDamage(s) || e is HistoryException { Failure: HistoryFailure.Damaged, MovedTo: null })
        {
            key?.Dispose();
            connection.Dispose();
            string why = (e.InnerException as SqliteException ?? e).Message.TrimEnd('.');
            throw MovedAside(HistoryFailure.Damaged, path, $"is damaged: {why}", now, e);
        }
        catch
        {
            key?.Dispose();
            connection.Dispose();
            throw;
        }
    }

    private static SqliteConnection Connect(string path)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            // Sorts and temporary tables stay in memory: nothing decrypted may spill into a temporary file.
            Execute(connection, "PRAGMA temp_store = MEMORY");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static (HistoryKey Key, byte[] DatabaseId) Create(SqliteConnection connection, HistoryOptions options)
    {
        byte[] databaseId = RandomNumberGenerator.GetBytes(DatabaseIdSize);
        HistoryKey key = options.Passphrase is null ? KeyFileKey(options.ConfigDirectory) : HistoryKey.Generate();
        try
        {
            using SqliteTransaction transaction = connection.BeginTransaction();
            HistorySchema.Migrate(connection, transaction, 0);
            PutMeta(connection, transaction, "id", databaseId);
            if (options.Passphrase is { } passphrase)
            {
                PutMeta(connection, transaction, "protection", Encoding.ASCII.GetBytes(ProtectionPassphrase));
                PutMeta(connection, transaction, "key", HistoryKeyWrap.Wrap(key, passphrase, databaseId, options.KdfCost));
            }
            else
            {
                PutMeta(connection, transaction, "protection", Encoding.ASCII.GetBytes(ProtectionKeyFile));
                PutMeta(connection, transaction, "key-check", key.CheckFor(databaseId));
            }

            transaction.Commit();
            return (key, databaseId);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>The key file's key, or a new one written to a new key file (a key file left by an earlier history is reused).</summary>
    private static HistoryKey KeyFileKey(ConfigDirectory config)
    {
        if (HistoryKeyFile.TryLoad(config) is { } existing)
        {
            return existing;
        }

        HistoryKey key = HistoryKey.Generate();
        if (HistoryKeyFile.TryCreate(config, key))
        {
            return key;
        }

        key.Dispose();
        return HistoryKeyFile.TryLoad(config) ?? throw new HistoryException(HistoryFailure.KeyFileUnusable, config.PathOf(HistoryKeyFile.FileName),
            $"could not create the history key {config.PathOf(HistoryKeyFile.FileName)}");
    }

    /// <summary>Unlocks an existing history's key; reads only, so a refusal changes nothing.</summary>
    private static (HistoryKey Key, byte[] DatabaseId) Unlock(SqliteConnection connection, HistoryOptions options, string path, int version)
    {
        byte[]? databaseId = version == 0 ? null : GetMeta(connection, "id");
        byte[]? protection = version == 0 ? null : GetMeta(connection, "protection");
        if (databaseId is not { Length: DatabaseIdSize } || protection is null)
        {
            throw new SqliteException("its key record is missing", 11);
        }

        string keyPath = options.ConfigDirectory.PathOf(HistoryKeyFile.FileName);
        switch (Encoding.ASCII.GetString(protection))
        {
            case ProtectionPassphrase when options.Passphrase is null:
                throw new HistoryException(HistoryFailure.WrongProtection, path,
                    $"the history {path} is protected by a passphrase and none was given: give the history passphrase to open it; nothing was changed");
            case ProtectionPassphrase:
                byte[] wrapped = GetMeta(connection, "key") ?? [];
                if (!HistoryKeyWrap.TryReadCost(wrapped, out _))
                {
                    throw new SqliteException("its key record is malformed", 11);
                }

                return HistoryKeyWrap.TryUnwrap(wrapped, options.Passphrase, databaseId, out HistoryKey? unwrapped)
                    ? (unwrapped!, databaseId)
                    : throw new HistoryException(HistoryFailure.WrongPassphrase, path,
                        $"wrong history passphrase: the history {path} was not opened; nothing was changed");
            case ProtectionKeyFile when options.Passphrase is not null:
                throw new HistoryException(HistoryFailure.WrongProtection, path,
                    $"the history {path} is not protected by a passphrase (its key is in {keyPath}): start without a history passphrase; nothing was changed");
            case ProtectionKeyFile:
                HistoryKey key = HistoryKeyFile.TryLoad(options.ConfigDirectory) ?? throw new HistoryException(HistoryFailure.KeyFileUnusable, keyPath,
                    $"the history key {keyPath} is missing: the history {path} cannot be read without it; restore the file, or move {path} away to start a new history");
                if (!CryptographicOperations.FixedTimeEquals(key.CheckFor(databaseId), GetMeta(connection, "key-check") ?? []))
                {
                    key.Dispose();
                    throw new HistoryException(HistoryFailure.KeyFileUnusable, keyPath,
                        $"the history key {keyPath} does not open the history {path} (it is another history's key); nothing was changed");
                }

                return (key, databaseId);
            default:
                throw new SqliteException("its key record is malformed", 11);
        }
    }

    private static HistoryException MovedAside(HistoryFailure failure, string path, string why, DateTimeOffset now, Exception? inner = null)
    {
        string movedTo = HistoryDatabaseFile.MoveAside(path, now);
        return new HistoryException(failure, path,
            $"the history {path} {why}: it was moved to {movedTo} and SecureChat runs without history", movedTo, inner);
    }

    /// <summary>SQLITE_CORRUPT and SQLITE_NOTADB: the file's content, not the program, is at fault.</summary>
    private static bool IsDamage(SqliteException e) => (e.SqliteErrorCode & 0xFF) is 11 or 26;

    private static byte[]? GetMeta(SqliteConnection connection, string name)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM meta WHERE name = $name";
        command.Parameters.AddWithValue("$name", name);
        return command.ExecuteScalar() as byte[];
    }

    private static void PutMeta(SqliteConnection connection, SqliteTransaction transaction, string name, byte[] value)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT OR REPLACE INTO meta (name, value) VALUES ($name, $value)";
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$value", value);
        command.ExecuteNonQuery();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
