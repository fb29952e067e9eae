namespace SecureChat.Engine.Hub;

/// <summary>Bans kept for the life of the process (a hub without a config directory). Thread-safe.</summary>
internal sealed class MemoryRoomBans : IRoomBans
{
    private readonly HashSet<string> _bans = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    public bool IsBanned(string roomKey, ReadOnlySpan<byte> digest)
    {
        lock (_gate)
        {
            return _bans.Contains(Line(roomKey, digest));
        }
    }

    public bool Add(string roomKey, ReadOnlySpan<byte> digest)
    {
        lock (_gate)
        {
            return _bans.Add(Line(roomKey, digest));
        }
    }

    public bool Remove(string roomKey, ReadOnlySpan<byte> digest)
    {
        lock (_gate)
        {
            return _bans.Remove(Line(roomKey, digest));
        }
    }

    private static string Line(string roomKey, ReadOnlySpan<byte> digest) => roomKey + " " + Convert.ToBase64String(digest);
}
