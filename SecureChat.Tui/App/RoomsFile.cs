using SecureChat.Engine.Identity;

namespace SecureChat.Tui.App;

/// <summary>
/// The client's rooms per server, in the config directory's <c>rooms</c> file (mode 0600), so a restarted client
/// enters them again: one line per room, <c>IDENTITY #room</c>, where IDENTITY is the server's identity fingerprint
/// (8 groups of 4 hex digits; a room's name holds no space, so the last field is the room). The lobby is not kept
/// (every client is in it). Lines of other servers, and lines it does not understand, are kept as they are. Each
/// write is atomic under the directory's lock. Thread-safe (every call reads the file afresh).
/// </summary>
internal sealed class RoomsFile(ConfigDirectory directory)
{
    public const string FileName = "rooms";

    /// <summary>More is refused: 64 rooms per server, for thousands of servers, fit easily.</summary>
    public const int MaxFileSize = 4 * 1024 * 1024;

    private const string Header = "# rooms to enter again on each server, by the server's identity fingerprint (written by SecureChat)";

    /// <summary>The rooms kept for the server of this identity fingerprint, in the order entered.</summary>
    public IReadOnlyList<string> For(string serverIdentity) =>
        [.. Lines().Select(Parse).Where(l => l.Identity == serverIdentity).Select(l => l.Room!)];

    /// <summary>Keeps <paramref name="rooms"/> (the lobby left out) as the rooms of the server of this identity.</summary>
    public void Save(string serverIdentity, IEnumerable<string> rooms)
    {
        using ConfigDirectoryLock held = directory.Lock();
        List<string> lines = [.. Lines().Where(l => Parse(l).Identity != serverIdentity)];
        if (lines.Count == 0 || lines[0] != Header)
        {
            lines.Insert(0, Header);
        }

        lines.AddRange(rooms.Where(r => WindowTable.RoomKey(r) != WindowTable.RoomKey(Engine.Transport.ChatEndpoint.Lobby)).Select(r => $"{serverIdentity} {r}"));
        directory.WriteAllTextAtomic(FileName, string.Join('\n', lines) + "\n");
    }

    private List<string> Lines() =>
        [.. (directory.ReadAllText(FileName, MaxFileSize) ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r'))];

    private static (string? Identity, string? Room) Parse(string line)
    {
        int space = line.LastIndexOf(' ');
        if (line.StartsWith('#') || space <= 0)
        {
            return (null, null);
        }

        string room = line[(space + 1)..];
        return WindowTable.IsRoomName(room) ? (line[..space], room) : (null, null);
    }
}
