using SecureChat.Tui.App;
using Terminal.Gui.Drivers;
using Terminal.Gui.Input;

namespace SecureChat.Tui.Views;

/// <summary>What the full screen reads from keys and typed lines about its windows. Thread-safe (pure).</summary>
internal static class WindowCommands
{
    /// <summary>The window an Alt+digit key shows: Alt+1..Alt+9 the first nine, Alt+0 the tenth; null for any other key.</summary>
    public static int? Number(Key key)
    {
        if (!key.IsAlt || key.IsCtrl)
        {
            return null;
        }

        KeyCode code = key.NoAlt.NoShift.KeyCode;
        return code is >= KeyCode.D0 and <= KeyCode.D9 ? (code == KeyCode.D0 ? 10 : (int)(code - KeyCode.D0)) : null;
    }

    /// <summary>
    /// The kind of window a typed line asks to open and show: a room for <c>/join</c>, a query for <c>/query</c>;
    /// null for anything else (a window the user did not ask for, such as a query opened by someone's message, opens
    /// without being shown).
    /// </summary>
    public static WindowKind? Opens(string line)
    {
        string trimmed = line.TrimStart();
        int space = trimmed.IndexOfAny([' ', '\t']);
        string name = (space < 0 ? trimmed : trimmed[..space]).ToLowerInvariant();
        return name switch
        {
            "/join" => WindowKind.Room,
            "/query" => WindowKind.Query,
            _ => null,
        };
    }

    /// <summary>
    /// The text a typed line would send as a message (a plain line, <c>//text</c>, <c>/me</c>, <c>/say</c>; all of a
    /// pasted one), or null for any other command: the full screen checks its size before the line leaves the input.
    /// </summary>
    public static string? MessageText(string line, bool pasted) =>
        (pasted ? ChatCommand.Message(line) : ChatCommand.Parse(line)) switch
        {
            ChatCommand.Send send => send.Text,
            ChatCommand.Run { Command.Name: "/me" } me => ChatCommand.MePrefix + me.Argument,
            ChatCommand.Run { Command.Name: "/say" } say => say.Text,
            _ => null,
        };
}
