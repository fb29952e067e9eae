using SecureChat.Tui.App;
using SecureChat.Tui.Tests.Support;
using SecureChat.Tui.Views;
using Attribute = Terminal.Gui.Drawing.Attribute;

namespace SecureChat.Tui.Tests.Views;

/// <summary>The windows, lines and screen readings the full screen's window tests share.</summary>
internal static class WindowScreen
{
    public static readonly WindowInfo Lobby = new("#lobby", "#lobby", WindowKind.Room);
    public static readonly WindowInfo Dev = new("#dev", "#dev", WindowKind.Room);
    public static readonly WindowInfo Bob = new("@BOB1", "Bob", WindowKind.Query, "BOB1", "verified");

    public static ChatLine Message(string window, string sender, string text, bool mention = false) =>
        new ChatLine(LineKind.Message, text, sender, DateTimeOffset.Now) with { Window = window, Mention = mention };

    public static ChatLine Notice(string window, string text) => ChatLine.Notice(text) with { Window = window };

    public static ScreenView Open(TestScreen screen, params WindowInfo[] windows)
    {
        var view = new ScreenView(screen.Window, screen.Post, () => { });
        foreach (WindowInfo window in windows)
        {
            view.OpenWindow(window);
        }

        screen.Pump();
        return view;
    }

    public static string Row(string screen, string mark) =>
        screen.Split('\n').FirstOrDefault(r => r.Contains(mark, StringComparison.Ordinal)) ?? throw new ShouldAssertException($"no row with '{mark}' in:\n{screen}");

    public static Attribute AttributeAt(TestScreen screen, string mark)
    {
        string[] rows = screen.App.Driver!.ToString()!.Split('\n');
        int row = Array.FindIndex(rows, r => r.Contains(mark, StringComparison.Ordinal));
        row.ShouldBeGreaterThanOrEqualTo(0);
        int column = rows[row].IndexOf(mark, StringComparison.Ordinal);
        return screen.App.Driver!.Contents![row, column].Attribute!.Value;
    }
}
