namespace SecureChat.Tui.Views;

/// <summary>
/// Tab completion of the word before the insertion point: a command at the start of the line, else a name or a
/// <c>#room</c> (the names passed in hold both). The
/// first Tab puts in the first candidate (in alphabetical order, case-insensitive); each further Tab replaces it with
/// the next, round to the first again, as irssi and WeeChat do. A name at the start of the line gets ": " (chat
/// clients address someone so), anything else (a room too) a space. Immutable; thread-safe.
/// </summary>
internal sealed class Completion
{
    private readonly string _text;
    private readonly int _start;
    private readonly int _end;
    private readonly string _suffix;

    private Completion(string text, int start, int end, string suffix, IReadOnlyList<string> candidates, int index)
    {
        _text = text;
        _start = start;
        _end = end;
        _suffix = suffix;
        Candidates = candidates;
        Index = index;
        Text = string.Concat(text.AsSpan(0, start), candidates[index], suffix, text.AsSpan(end));
        Caret = start + candidates[index].Length + suffix.Length;
    }

    /// <summary>Every word that completes what was typed, in the order Tab goes through them.</summary>
    public IReadOnlyList<string> Candidates { get; }

    /// <summary>Which candidate <see cref="Text"/> holds.</summary>
    public int Index { get; }

    /// <summary>The line with the candidate put in.</summary>
    public string Text { get; }

    /// <summary>The insertion point, after the candidate and its suffix.</summary>
    public int Caret { get; }

    /// <summary>The first completion of the word before <paramref name="caret"/>, or null when nothing completes it.</summary>
    public static Completion? Start(string text, int caret, IEnumerable<string> commands, IEnumerable<string> names)
    {
        caret = Math.Clamp(caret, 0, text.Length);
        int start = caret;
        while (start > 0 && !char.IsWhiteSpace(text[start - 1]) && text[start - 1] != ChatInput.NewlineMark)
        {
            start--;
        }

        string prefix = text[start..caret];
        bool command = start == 0 && prefix.StartsWith('/');
        if (prefix.Length == 0)
        {
            return null;
        }

        string[] candidates = [.. (command ? commands : names)
            .Where(c => c.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.OrdinalIgnoreCase)];
        // A name at the start addresses someone ("Bob: "); a room (#dev) is never addressed so.
        string suffix = command || prefix.StartsWith('#') || start > 0 ? " " : ": ";
        return candidates.Length == 0 ? null : new Completion(text, start, caret, suffix, candidates, 0);
    }

    /// <summary>The same line with the next candidate instead (after the last: the first).</summary>
    public Completion Next() => new(_text, _start, _end, _suffix, Candidates, (Index + 1) % Candidates.Count);
}
