namespace SecureChat.Tui.CommandLine;

/// <summary>
/// Names an option the command line does not know and suggests the known ones meant: those it begins (a cut-short
/// <c>--passphrase</c>), else the nearest by edit distance with adjacent letters swapped counted as one edit
/// (optimal string alignment), when near enough to be a slip (<c>--nmae</c>: <c>--name</c>). Pure and thread-safe.
/// </summary>
internal static class OptionSpelling
{
    /// <summary>A typed prefix this short matches too many options to be a useful hint.</summary>
    private const int PrefixMin = 4;

    /// <summary>More prefix matches than this are no hint either.</summary>
    private const int PrefixMatchesMax = 3;

    /// <summary>"unknown option --nmae (did you mean --name?)"; <paramref name="token"/> as typed, with any "=value".</summary>
    public static string Unknown(string token, IEnumerable<string> known)
    {
        string typed = token.Split('=', 2)[0];
        IReadOnlyList<string> suggestions = Suggest(typed, known);
        return suggestions.Count == 0 ? $"unknown option {typed}" : $"unknown option {typed} (did you mean {Words(suggestions)}?)";
    }

    /// <summary>The long options meant by <paramref name="typed"/>, best first; empty when none is near.</summary>
    public static IReadOnlyList<string> Suggest(string typed, IEnumerable<string> known)
    {
        string core = Core(typed);
        string[] names = known.Where(n => n.StartsWith("--", StringComparison.Ordinal)).Distinct().ToArray();
        if (core.Length >= PrefixMin)
        {
            string[] extended = names.Where(n => Core(n).StartsWith(core, StringComparison.Ordinal)).ToArray();
            if (extended.Length is > 0 and <= PrefixMatchesMax)
            {
                return extended;
            }
        }

        // One slip in a short name, two in a longer one: more would suggest options nobody meant.
        int allowed = core.Length <= 5 ? 1 : 2;
        var near = names.Select(n => (Name: n, Distance: Distance(core, Core(n)))).Where(c => c.Distance <= allowed).ToArray();
        if (near.Length == 0)
        {
            return [];
        }

        int best = near.Min(c => c.Distance);
        return near.Where(c => c.Distance == best).Select(c => c.Name).ToArray();
    }

    private static string Core(string name) => name.TrimStart('-').ToLowerInvariant();

    private static string Words(IReadOnlyList<string> names) =>
        names.Count == 1 ? names[0] : $"{string.Join(", ", names.Take(names.Count - 1))} or {names[^1]}";

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and swaps of adjacent letters.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
