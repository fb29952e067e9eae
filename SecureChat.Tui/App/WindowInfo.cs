namespace SecureChat.Tui.App;

/// <summary>
/// One window the model keeps lines in: <see cref="Key"/> is <c>#room</c> for a room, <c>@</c> and the identity
/// fingerprint for a query, empty for the status window; <see cref="Title"/> what the window list shows (the room, or
/// the person's current name, made safe); a query's <see cref="Identity"/> and <see cref="Trust"/> word. Immutable.
/// </summary>
internal sealed record WindowInfo(string Key, string Title, WindowKind Kind, string? Identity = null, string? Trust = null)
{
    /// <summary>The status window's key.</summary>
    public const string StatusKey = "";

    /// <summary>The key of the query window with the person of this identity fingerprint.</summary>
    public static string QueryKey(string identity) => "@" + identity;
}
