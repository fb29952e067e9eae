using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Terminal.Gui.Drivers;
using Terminal.Gui.Input;

namespace SecureChat.Tui.Views;

/// <summary>
/// A keyboard pattern put ahead of Terminal.Gui 2.5.0's own: it takes every key sequence that one of those patterns
/// recognises but cannot decode, which the toolkit would otherwise turn into a <see cref="NullReferenceException"/>
/// in <c>new Key(null)</c> and end the app. Such sequences are real keys on real terminals: <c>ESC [ 25~ 26~ 28~
/// 29~ 31~ 32~ 33~ 34~</c> are F13-F20 (xterm's Menu key is F16, the Linux console's Shift+F1..F8, rxvt's
/// Shift+F3..F10), with or without a modifier field, and are decoded as those keys; anything else undecodable (a
/// stray bracketed-paste end <c>ESC [ 201~</c>, an unknown number, a number too large for an int, <c>ESC O O</c>, a
/// Kitty code point that is no character) becomes <see cref="Key.Empty"/>, which views ignore. Sequences the
/// toolkit decodes are left to it. UI thread only (the parser runs on the main loop).
/// </summary>
internal sealed partial class UndecodedKeyPattern : AnsiKeyboardParserPattern
{
    private static readonly MethodInfo s_decode = typeof(AnsiKeyboardParserPattern).GetMethod(
        "GetKeyImpl", BindingFlags.Instance | BindingFlags.NonPublic) ?? throw new MissingMethodException(nameof(AnsiKeyboardParserPattern), "GetKeyImpl");

    /// <summary>The xterm numbers of F13-F20 (<c>ESC [ n ~</c>), in key order.</summary>
    private static readonly int[] s_extraFunctionKeys = [25, 26, 28, 29, 31, 32, 33, 34];

    private static readonly KeyCode[] s_extraKeyCodes =
        [KeyCode.F13, KeyCode.F14, KeyCode.F15, KeyCode.F16, KeyCode.F17, KeyCode.F18, KeyCode.F19, KeyCode.F20];

    private readonly IReadOnlyList<AnsiKeyboardParserPattern> _toolkit;

    /// <summary>Guards <paramref name="toolkit"/>'s patterns that are tried as a sequence arrives, or with <paramref name="lastMinute"/> those tried at release.</summary>
    public UndecodedKeyPattern(IReadOnlyList<AnsiKeyboardParserPattern> toolkit, bool lastMinute)
    {
        _toolkit = toolkit;
        IsLastMinute = lastMinute;
    }

    public override bool IsMatch(string? input)
    {
        // Only what the toolkit's first matching pattern (the one it would use) fails to decode.
        foreach (AnsiKeyboardParserPattern pattern in _toolkit)
        {
            if (pattern.IsLastMinute == IsLastMinute && pattern.IsMatch(input))
            {
                return s_decode.Invoke(pattern, [input]) is null;
            }
        }

        return false;
    }

    protected override Key? GetKeyImpl(string? input)
    {
        if (input is not null && NumberedKey().Match(input) is { Success: true } match
            && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int number)
            && Array.IndexOf(s_extraFunctionKeys, number) is var index and >= 0)
        {
            var key = new Key(s_extraKeyCodes[index]);
            return match.Groups[2].Success ? ApplyModifiersAndEventType(match.Groups[2].Value, key) : key;
        }

        return Key.Empty;
    }

    [GeneratedRegex(@"^\u001b\[(\d+)(?:;(\d+(?::\d+)*))?~$", RegexOptions.CultureInvariant)]
    private static partial Regex NumberedKey();
}
