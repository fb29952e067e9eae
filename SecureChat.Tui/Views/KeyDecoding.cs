using System.Reflection;
using Terminal.Gui.App;
using Terminal.Gui.Drivers;

namespace SecureChat.Tui.Views;

/// <summary>
/// Makes every key sequence a terminal can send survivable: puts <see cref="UndecodedKeyPattern"/> ahead of
/// Terminal.Gui 2.5.0's keyboard patterns in the running driver's input parser, once for the patterns tried as a
/// sequence arrives and once for the "last minute" ones (tried when a held sequence is released). The toolkit
/// offers no public way to add a pattern, so its two private fields are reached by reflection; if a later toolkit
/// renames them, nothing is installed and <see cref="Install"/> says so (the run loop still survives the
/// exception, see <see cref="ScreenMode"/>). Alt+Backspace, which the toolkit drops, is decoded here too
/// (<see cref="AltBackspacePattern"/>). Call once after <c>Init</c>, on the UI thread.
/// </summary>
internal static class KeyDecoding
{
    /// <summary>True when the guard is in the driver's parser.</summary>
    public static bool Install(IApplication app)
    {
        object? parser = app.Driver?.GetInputProcessor().GetParser();
        if (parser is null || Field(parser.GetType(), "_keyboardParser")?.GetValue(parser) is not AnsiKeyboardParser keyboard
            || Field(typeof(AnsiKeyboardParser), "_patterns")?.GetValue(keyboard) is not List<AnsiKeyboardParserPattern> patterns)
        {
            return false;
        }

        if (patterns.OfType<UndecodedKeyPattern>().Any())
        {
            return true;
        }

        AnsiKeyboardParserPattern[] toolkit = [.. patterns];
        patterns.Insert(0, new UndecodedKeyPattern(toolkit, lastMinute: false));
        patterns.Insert(0, new UndecodedKeyPattern(toolkit, lastMinute: true));
        patterns.Insert(0, new AltBackspacePattern());
        return true;
    }

    private static FieldInfo? Field(Type? type, string name)
    {
        for (; type is not null; type = type.BaseType)
        {
            if (type.GetField(name, BindingFlags.Instance | BindingFlags.NonPublic) is { } field)
            {
                return field;
            }
        }

        return null;
    }
}
