namespace SecureChat.Tui.Views;

/// <summary>
/// Tab completion of the word before the insertion point: a command at the start of the line, else a name. One
/// match completes (a name at the start of the line gets ": ", as chat clients address someone); several complete
/// as far as they agree. Case-insensitive. Thread-safe (pure).
/// </summary>
internal static class Completion
{
    /// <summary>The new text and insertion point, or null when nothing completes.</summary>
    public static (string Text, int Caret)? Complete(string text, int caret, IEnumerable<string> commands, IEnumerable<string> names)
    {
        caret = Math.Clamp(caret, 0, text.Length);
        int start = caret;
        while (start > 0 && !char.IsWhiteSpace(text[start - 1]) && text[start - 1] != ChatInput.NewlineMark)
        {
            start--;
        }

        string prefix = text[start..caret];
        bool command = start == 0 && prefix.StartsWith('/');
        if (prefix.Length == 0 && !command)
        {
            return null;
        }

        string[] matches = [.. (command ? commands : names)
            .Where(c => c.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.OrdinalIgnoreCase)];
        string completed;
        if (matches.Length == 1)
        {
            completed = matches[0] + (command ? " " : start == 0 ? ": " : " ");
        }
        else if (matches.Length > 1)
        {
            completed = CommonPrefix(matches);
            if (completed.Length <= prefix.Length)
            {
                return null;
            }
        }
        else
        {
            return null;
        }

        return (string.Concat(text.AsSpan(0, start), completed, text.AsSpan(caret)), start + completed.Length);
    }

    private static string CommonPrefix(string[] words)
    {
        int length = words[0].Length;
        foreach (string word in words)
        {
            int i = 0;
            while (i < length && i < word.Length && char.ToLowerInvariant(word[i]) == char.ToLowerInvariant(words[0][i]))
            {
                i++;
            }

            length = i;
        }

        return words[0][..length];
    }
}
