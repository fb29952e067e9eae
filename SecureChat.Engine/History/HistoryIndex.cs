using System.Text;
using Microsoft.Data.Sqlite;

namespace SecureChat.Engine.History;

/// <summary>
/// The full-text index of the history: an SQLite FTS5 table in an in-memory database (temporary storage in memory
/// too), filled from the decrypted rows when the history is unlocked and kept up to date as lines are added and
/// deleted, so no plaintext of the index ever reaches the disk. Contentless (<c>content=''</c>): it holds the index
/// only, keyed by the row's id; the matching rows are read back from the store and decrypted. Words are matched by
/// prefix, case and diacritics ignored (unicode61). Not thread-safe: the store calls it under its lock.
/// </summary>
internal sealed class HistoryIndex : IDisposable
{
    private const string OwnMarker = "own";
    private readonly SqliteConnection _connection;

    public HistoryIndex()
    {
        _connection = new SqliteConnection("Data Source=:memory:;Pooling=False");
        _connection.Open();
        Execute("PRAGMA temp_store = MEMORY");
        Execute("CREATE VIRTUAL TABLE lines USING fts5(text, own, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')");
    }

    /// <summary>Indexes several lines in one transaction (the unlock's build, a batch of appends).</summary>
    public void AddRange(IEnumerable<(long RowId, string Text, bool IsOwn)> lines)
    {
        using SqliteTransaction transaction = _connection.BeginTransaction();
        using SqliteCommand command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO lines (rowid, text, own) VALUES ($id, $text, $own)";
        SqliteParameter id = command.Parameters.Add("$id", SqliteType.Integer);
        SqliteParameter text = command.Parameters.Add("$text", SqliteType.Text);
        SqliteParameter own = command.Parameters.Add("$own", SqliteType.Text);
        foreach ((long rowId, string line, bool isOwn) in lines)
        {
            id.Value = rowId;
            text.Value = line;
            own.Value = isOwn ? OwnMarker : "";
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    public void RemoveRange(IEnumerable<long> rowIds)
    {
        using SqliteTransaction transaction = _connection.BeginTransaction();
        using SqliteCommand command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "DELETE FROM lines WHERE rowid = $id";
        SqliteParameter id = command.Parameters.Add("$id", SqliteType.Integer);
        foreach (long rowId in rowIds)
        {
            id.Value = rowId;
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    public void Clear() => Execute("DELETE FROM lines");

    /// <summary>
    /// The ids of the rows holding every word of <paramref name="text"/> (each as a prefix), latest kept first; the
    /// user's text is never FTS5 syntax (each word is quoted). Empty when the text has no word.
    /// </summary>
    public IReadOnlyList<long> Search(string text, bool ownOnly, int limit)
    {
        string? query = QueryOf(text, ownOnly);
        if (query is null)
        {
            return [];
        }

        using SqliteCommand command = _connection.CreateCommand();
        command.CommandText = "SELECT rowid FROM lines WHERE lines MATCH $query ORDER BY rowid DESC LIMIT $limit";
        command.Parameters.AddWithValue("$query", query);
        command.Parameters.AddWithValue("$limit", limit);
        var ids = new List<long>();
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    internal static string? QueryOf(string text, bool ownOnly)
    {
        var query = new StringBuilder();
        foreach (string word in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            // Quoted, inner quotes doubled: whatever the user typed is a word to find, never an operator.
            query.Append(query.Length == 0 ? "" : " AND ").Append("text : \"").Append(word.Replace("\"", "\"\"", StringComparison.Ordinal)).Append("\"*");
        }

        if (query.Length == 0)
        {
            return null;
        }

        return ownOnly ? $"({query}) AND own : {OwnMarker}" : query.ToString();
    }

    private void Execute(string sql)
    {
        using SqliteCommand command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose() => _connection.Dispose();
}
