using Microsoft.Data.Sqlite;

namespace SecureChat.Engine.History;

/// <summary>
/// The search index, built when the history is unlocked: on a thread of its own, with a reading connection of its
/// own (WAL lets it read while lines are added), a batch of rows at a time, so that opening the history and its
/// first pages never wait for it. Lines added meanwhile are indexed as they are added; lines deleted meanwhile are
/// remembered so that the build does not index them again.
/// </summary>
public sealed partial class HistoryStore
{
    private const int IndexBatch = 5_000;

    private readonly HistoryIndex _index = new();
    private readonly Lock _indexGate = new();
    private HashSet<long>? _removedWhileIndexing = [];
    private Task _indexing = Task.CompletedTask;
    private volatile bool _closing;
    private volatile HistoryException? _indexFault;
    private int _damagedLines;

    /// <summary>Completes when the search index holds every line kept before the history was opened.</summary>
    public Task Indexed => _indexing;

    /// <summary>How many stored lines failed their check while the index was built (altered or moved rows).</summary>
    public int DamagedLines => Volatile.Read(ref _damagedLines);

    private void StartIndexing()
    {
        using SqliteCommand command = _connection.CreateCommand();
        command.CommandText = "SELECT coalesce(max(id), 0) FROM messages";
        long last = (long)command.ExecuteScalar()!;
        _indexing = Task.Run(() => BuildIndex(last));
    }

    private void BuildIndex(long last)
    {
        try
        {
            using SqliteConnection reader = Connect(FilePath);
            using SqliteCommand command = reader.CreateCommand();
            command.CommandText = "SELECT id, conv, seq, time, body FROM messages WHERE id > $after AND id <= $last ORDER BY id LIMIT $batch";
            SqliteParameter after = command.Parameters.AddWithValue("$after", 0L);
            command.Parameters.AddWithValue("$last", last);
            command.Parameters.AddWithValue("$batch", IndexBatch);
            var batch = new List<(long Id, string Text, bool IsOwn)>(IndexBatch);
            while (!_closing)
            {
                batch.Clear();
                long read = 0;
                using (SqliteDataReader rows = command.ExecuteReader())
                {
                    while (rows.Read())
                    {
                        read++;
                        after.Value = rows.GetInt64(0);
                        if (TryOpen(rows.GetValue(1) as byte[], rows.GetInt64(2), rows.GetInt64(3), rows.GetValue(4) as byte[], out HistoryMessage? message))
                        {
                            batch.Add((rows.GetInt64(0), message!.Text, message.IsOwn));
                        }
                        else
                        {
                            Interlocked.Increment(ref _damagedLines);
                        }
                    }
                }

                if (read == 0)
                {
                    break;
                }

                lock (_indexGate)
                {
                    _index.AddRange(batch.Where(b => !_removedWhileIndexing!.Contains(b.Id)));
                }
            }
        }
        catch (SqliteException e) when (IsDamage(e))
        {
            _indexFault = new HistoryException(HistoryFailure.Damaged, FilePath,
                $"the history {FilePath} is damaged: {e.Message.TrimEnd('.')}; move it away to start a new history", inner: e);
        }
        catch (SqliteException e)
        {
            _indexFault = new HistoryException(HistoryFailure.Unreadable, FilePath,
                $"could not read the history {FilePath} to index it: {e.Message.TrimEnd('.')}", inner: e);
        }
        finally
        {
            lock (_indexGate)
            {
                _removedWhileIndexing = null;
            }
        }
    }

    private void Unindex(IReadOnlyCollection<long> ids)
    {
        lock (_indexGate)
        {
            _index.RemoveRange(ids);
            _removedWhileIndexing?.UnionWith(ids);
        }
    }

    /// <exception cref="HistoryException">the build found the database damaged.</exception>
    private void WaitForIndex()
    {
        _indexing.GetAwaiter().GetResult();
        if (_indexFault is { } fault)
        {
            throw fault;
        }
    }

    private void WaitForIndexQuietly()
    {
        try
        {
            _indexing.Wait();
        }
        catch (AggregateException)
        {
            // Reported by the next search; a deletion or a close still completes.
        }
    }

    private void StopIndexing()
    {
        _closing = true;
        WaitForIndexQuietly();
    }
}
