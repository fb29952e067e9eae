namespace SecureChat.Tui.App;

/// <summary>What a window holds: the hub's own notices, a room, or a direct conversation with one person.</summary>
internal enum WindowKind
{
    Status,
    Room,
    Query,
}
