using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Identity;

namespace SecureChat.Engine.History;

/// <summary>
/// The client's encrypted history: every line kept in an SQLite database (WAL, one writer: <c>history.lock</c> is
/// held while open) in the data directory, its sender and text sealed by <see cref="HistoryRowCipher"/> under the
/// history key, with only the conversation's opaque tag, the sequence number and the time in clear so that pages load
/// by index. Lines come back a page at a time per conversation (<see cref="Page"/>), are found across conversations
/// through the in-memory index (<see cref="Search"/>), and can be cleared, aged out, or exported in clear when asked.
/// Thread-safe: every call runs under one lock; the index is built beside them (see <c>HistoryStore.Indexing</c>).
/// The store keeps no reference to the passphrase it was opened with.
/// </summary>
public sealed partial class HistoryStore : IDisposable
{
    /// <summary>The most lines one page or search returns.</summary>
    public const int PageMax = 10_000;

    private readonly Lock _gate = new();
    private readonly TimeSpan? _retention;
    private readonly TimeProvider _time;
    private readonly SqliteConnection _connection;
    private readonly HistoryKey _key;
    private readonly byte[] _databaseId;
    private readonly FileStream _held;
    private readonly ConcurrentDictionary<HistoryConversation, byte[]> _tags = [];
    private readonly Dictionary<HistoryConversation, long> _lastSequence = [];
    private bool _disposed;

    private HistoryStore(HistoryOptions options, string path, SqliteConnection connection, HistoryKey key, byte[] databaseId, FileStream held)
    {
        _retention = options.Retention;
        _time = options.Time;
        FilePath = path;
        _connection = connection;
        _key = key;
        _databaseId = databaseId;
        _held = held;
    }

    /// <summary>The database file.</summary>
    public string FilePath { get; }

    /// <summary>Keeps one line and returns it with its sequence number.</summary>
    public HistoryLine Append(HistoryMessage message) => AppendRange([message])[0];

    /// <summary>Keeps several lines in one transaction (much faster than one at a time), in the order given.</summary>
    public IReadOnlyList<HistoryLine> AppendRange(IReadOnlyList<HistoryMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return Guarded(() =>
        {
            var lines = new List<HistoryLine>(messages.Count);
            var next = new Dictionary<HistoryConversation, long>();
            using SqliteTransaction transaction = _connection.BeginTransaction();
            using SqliteCommand insert = _connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO messages (conv, seq, time, body) VALUES ($conv, $seq, $time, $body) RETURNING id";
            SqliteParameter conv = insert.Parameters.Add("$conv", SqliteType.Blob);
            SqliteParameter seq = insert.Parameters.Add("$seq", SqliteType.Integer);
            SqliteParameter time = insert.Parameters.Add("$time", SqliteType.Integer);
            SqliteParameter body = insert.Parameters.Add("$body", SqliteType.Blob);
            foreach (HistoryMessage message in messages)
            {
                byte[] tag = TagOf(message.Conversation);
                long sequence = (next.TryGetValue(message.Conversation, out long last) ? last : LastSequence(message.Conversation, tag, transaction)) + 1;
                long timeMs = message.Time.ToUnixTimeMilliseconds();
                conv.Value = tag;
                seq.Value = sequence;
                time.Value = timeMs;
                body.Value = HistoryRowCipher.Seal(_key, _databaseId, tag, sequence, timeMs, message);
                long id = Convert.ToInt64(insert.ExecuteScalar(), CultureInfo.InvariantCulture);
                next[message.Conversation] = sequence;
                lines.Add(new HistoryLine(message.Conversation, sequence, DateTimeOffset.FromUnixTimeMilliseconds(timeMs), message.Sender, message.Text, message.IsOwn) { RowId = id });
            }

            transaction.Commit();
            foreach ((HistoryConversation conversation, long sequence) in next)
            {
                _lastSequence[conversation] = sequence;
            }

            lock (_indexGate)
            {
                _index.AddRange(lines.Select(l => (l.RowId, l.Text, l.IsOwn)));
            }

            return lines;
        });
    }

    /// <summary>
    /// Up to <paramref name="count"/> lines of a conversation before sequence <paramref name="beforeSequence"/> (the
    /// latest when null), oldest first: what PgUp shows past the lines in memory.
    /// </summary>
    public IReadOnlyList<HistoryLine> Page(HistoryConversation conversation, long? beforeSequence, int count)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, PageMax);
        return Guarded(() =>
        {
            byte[] tag = TagOf(conversation);
            using SqliteCommand command = _connection.CreateCommand();
            command.CommandText = "SELECT id, seq, time, body FROM messages WHERE conv = $conv AND seq < $before ORDER BY seq DESC LIMIT $count";
            command.Parameters.AddWithValue("$conv", tag);
            command.Parameters.AddWithValue("$before", beforeSequence ?? long.MaxValue);
            command.Parameters.AddWithValue("$count", count);
            var lines = new List<HistoryLine>(count);
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                lines.Add(Open(conversation, tag, reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetValue(3) as byte[]));
            }

            lines.Reverse();
            return lines;
        });
    }

    /// <summary>
    /// The lines holding every word of <paramref name="text"/> (as word prefixes, case and accents ignored), across
    /// conversations, newest first; only this user's own lines when <paramref name="ownOnly"/> (Ctrl+R). Waits for
    /// the index that unlocking started (<see cref="Indexed"/>).
    /// </summary>
    /// <exception cref="HistoryException">the index could not be built: the database is damaged.</exception>
    public IReadOnlyList<HistoryLine> Search(string text, int limit = 100, bool ownOnly = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, PageMax);
        WaitForIndex();
        return Guarded(() =>
        {
            var lines = new List<HistoryLine>();
            IReadOnlyList<long> found;
            lock (_indexGate)
            {
                found = _index.Search(text, ownOnly, limit);
            }

            using SqliteCommand command = _connection.CreateCommand();
            command.CommandText = "SELECT conv, seq, time, body FROM messages WHERE id = $id";
            SqliteParameter id = command.Parameters.Add("$id", SqliteType.Integer);
            foreach (long rowId in found)
            {
                id.Value = rowId;
                using SqliteDataReader reader = command.ExecuteReader();
                if (reader.Read() && TryOpen(reader.GetValue(0) as byte[], reader.GetInt64(1), reader.GetInt64(2), reader.GetValue(3) as byte[], out HistoryMessage? message))
                {
                    lines.Add(new HistoryLine(message!.Conversation, reader.GetInt64(1), message.Time, message.Sender, message.Text, message.IsOwn) { RowId = rowId });
                }
            }

            return lines.OrderByDescending(l => l.Time).ThenByDescending(l => l.RowId).ToList();
        });
    }

    /// <summary>How many lines are kept, in one conversation or in all.</summary>
    public long Count(HistoryConversation? conversation = null) => Guarded(() =>
    {
        using SqliteCommand command = _connection.CreateCommand();
        command.CommandText = conversation is null ? "SELECT count(*) FROM messages" : "SELECT count(*) FROM messages WHERE conv = $conv";
        if (conversation is not null)
        {
            command.Parameters.AddWithValue("$conv", TagOf(conversation));
        }

        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    });

    /// <summary>Deletes every line of one conversation (<c>/history clear #room</c>); returns how many.</summary>
    public int Clear(HistoryConversation conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        return Delete("conv = $conv", p => p.AddWithValue("$conv", TagOf(conversation)), () => _lastSequence.Remove(conversation));
    }

    /// <summary>Deletes every line (<c>/history clear</c>); returns how many.</summary>
    public int ClearAll() => Delete("1", _ => { }, _lastSequence.Clear);

    /// <summary>Deletes the lines older than <paramref name="cutoff"/>; returns how many.</summary>
    public int DeleteOlderThan(DateTimeOffset cutoff) =>
        Delete("time < $cutoff", p => p.AddWithValue("$cutoff", cutoff.ToUnixTimeMilliseconds()), () => { });

    /// <summary>Deletes what <see cref="HistoryOptions.Retention"/> no longer keeps (nothing without one); returns how many.</summary>
    public int ApplyRetention() =>
        _retention is { } keep ? DeleteOlderThan(_time.GetUtcNow() - keep) : 0;

    /// <summary>
    /// Writes a conversation's lines, oldest first, as a plain text log to a new file <paramref name="path"/> (mode
    /// 0600; an existing file is never replaced): <c>2026-12-07 21:10:14 +00:00 &lt;alice&gt; text</c>, each sender
    /// and text made safe to show as one line. The only way plaintext leaves the history; returns how many lines.
    /// </summary>
    /// <exception cref="IOException">the file exists or cannot be written.</exception>
    public int Export(HistoryConversation conversation, string path, TimeZoneInfo? zone = null)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentException.ThrowIfNullOrEmpty(path);
        zone ??= TimeZoneInfo.Local;
        return Guarded(() =>
        {
            string full = Path.GetFullPath(path);
            FileStream file;
            try
            {
                file = new FileStream(full, ConfigDirectory.Options(FileMode.CreateNew, FileAccess.Write, FileShare.None, ConfigDirectory.PrivateFileMode));
            }
            catch (IOException e) when (File.Exists(full))
            {
                throw new IOException($"{full} exists: refusing to replace it; choose another file", e);
            }

            int written = 0;
            using (file)
            using (var writer = new StreamWriter(file, new System.Text.UTF8Encoding(false)))
            {
                writer.NewLine = "\n";
                byte[] tag = TagOf(conversation);
                using SqliteCommand command = _connection.CreateCommand();
                command.CommandText = "SELECT id, seq, time, body FROM messages WHERE conv = $conv ORDER BY seq";
                command.Parameters.AddWithValue("$conv", tag);
                using SqliteDataReader reader = command.ExecuteReader();
                while (reader.Read())
                {
                    HistoryLine line = Open(conversation, tag, reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetValue(3) as byte[]);
                    string when = TimeZoneInfo.ConvertTime(line.Time, zone).ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);
                    writer.WriteLine(line.IsDamaged
                        ? $"{when} (line {line.Sequence} failed its check: it was altered, and is left out)"
                        : $"{when} <{SafeText.OneLine(line.Sender)}> {SafeText.OneLine(line.Text)}");
                    written++;
                }
            }

            return written;
        });
    }

    public void Dispose()
    {
        StopIndexing();
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _index.Dispose();
            _connection.Dispose();
            _key.Dispose();
            _held.Dispose();
        }
    }

    private int Delete(string where, Action<SqliteParameterCollection> bind, Action forget) => Guarded(() =>
    {
        var ids = new List<long>();
        using (SqliteTransaction transaction = _connection.BeginTransaction())
        {
            using SqliteCommand command = _connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"DELETE FROM messages WHERE {where} RETURNING id";
            bind(command.Parameters);
            using (SqliteDataReader reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    ids.Add(reader.GetInt64(0));
                }
            }

            transaction.Commit();
        }

        forget();
        Unindex(ids);
        if (ids.Count > 0)
        {
            // The log still holds the deleted rows' old pages until it is copied back and emptied, which a reader
            // (the index being built) would hold up.
            WaitForIndexQuietly();
            using SqliteCommand checkpoint = _connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            checkpoint.ExecuteNonQuery();
        }

        return ids.Count;
    });

    // A column of another type (an edited file) reads as null: damaged like a failed tag, never an exception.
    private HistoryLine Open(HistoryConversation conversation, byte[] tag, long rowId, long sequence, long timeMs, byte[]? body) =>
        body is not null && HistoryRowCipher.TryOpen(_key, _databaseId, tag, sequence, timeMs, body, out HistoryMessage? message) && message!.Conversation == conversation
            ? new HistoryLine(conversation, sequence, message.Time, message.Sender, message.Text, message.IsOwn) { RowId = rowId }
            : new HistoryLine(conversation, sequence, DateTimeOffset.FromUnixTimeMilliseconds(timeMs), "", "", false, IsDamaged: true) { RowId = rowId };

    private bool TryOpen(byte[]? tag, long sequence, long timeMs, byte[]? body, out HistoryMessage? message)
    {
        message = null;
        return tag is not null && body is not null
            && HistoryRowCipher.TryOpen(_key, _databaseId, tag, sequence, timeMs, body, out message)
            && TagOf(message!.Conversation).AsSpan().SequenceEqual(tag);
    }

    private byte[] TagOf(HistoryConversation conversation) => _tags.GetOrAdd(conversation, _key.TagOf);

    private long LastSequence(HistoryConversation conversation, byte[] tag, SqliteTransaction transaction)
    {
        if (_lastSequence.TryGetValue(conversation, out long last))
        {
            return last;
        }

        using SqliteCommand command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT max(seq) FROM messages WHERE conv = $conv";
        command.Parameters.AddWithValue("$conv", tag);
        return command.ExecuteScalar() is long found ? found : 0;
    }

    /// <summary>Runs <paramref name="work"/> under the lock; damage found on the way becomes one clear line.</summary>
    private T Guarded<T>(Func<T> work)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                return work();
            }
            catch (SqliteException e) when (IsDamage(e))
            {
                throw new HistoryException(HistoryFailure.Damaged, FilePath,
                    $"the history {FilePath} is damaged: {e.Message.TrimEnd('.')}; move it away to start a new history", inner: e);
            }
        }
    }
}
