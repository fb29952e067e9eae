using System.Text;
using SecureChat.Engine.Chat;

namespace SecureChat.Engine.Hub;

/// <summary>
/// What a room name is (protocol v3, the <c>room</c> encoding): <c>#</c> followed by a valid display name
/// (<see cref="NameRules"/>) with no space, 2 to <see cref="MaxBytes"/> bytes of UTF-8 in all. Two names are the same
/// room when the look-alike keys (<see cref="NameRules.Key"/>) of their parts after <c>#</c> are equal. Thread-safe (pure).
/// </summary>
internal static class RoomName
{
    /// <summary>The room every member enters on connect; it exists even when empty.</summary>
    public const string Lobby = "#lobby";

    /// <summary>Most UTF-8 bytes of a room name, <c>#</c> included.</summary>
    public const int MaxBytes = 64;

    /// <summary>The key of <see cref="Lobby"/>.</summary>
    public static readonly string LobbyKey = Key(Lobby);

    /// <summary>True with the room's key when <paramref name="name"/> is a valid room name as it stands.</summary>
    public static bool TryKey(string name, out string key)
    {
        key = string.Empty;
        if (name.Length < 2 || name[0] != '#' || Encoding.UTF8.GetByteCount(name) > MaxBytes)
        {
            return false;
        }

        string rest = name[1..];
        if (rest.Contains(' ', StringComparison.Ordinal) || !NameRules.IsValid(rest))
        {
            return false;
        }

        key = NameRules.Key(rest);
        return true;
    }

    /// <summary>The key of a name already known valid.</summary>
    public static string Key(string name) => NameRules.Key(name[1..]);
}
