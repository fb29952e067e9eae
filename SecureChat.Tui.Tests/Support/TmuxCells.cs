using System.Globalization;
using Terminal.Gui.Text;

namespace SecureChat.Tui.Tests.Support;

/// <summary>
/// The cells tmux itself draws for text, asked of tmux rather than assumed: each cluster of more than one code point
/// is printed in a pane of its own between '&lt;' and '&gt;', and the cursor's column after it gives its width; a single
/// code point counts its wcwidth, on which terminals agree. The panes stay until the tmux server is disposed: killing
/// the last session of a server stops it, and a session started at that moment fails.
/// </summary>
internal sealed class TmuxCells
{
    private readonly Dictionary<string, int> _measured = [];

    private TmuxCells()
    {
    }

    public IReadOnlyDictionary<string, int> Measured => _measured;

    /// <summary>Measures every cluster of more than one code point in <paramref name="texts"/> in <paramref name="tmux"/>.</summary>
    public static TmuxCells Measure(Tmux tmux, IEnumerable<string> texts)
    {
        var cells = new TmuxCells();
        string dir = Directory.CreateTempSubdirectory("securechat-cells-").FullName;
        try
        {
            foreach (string cluster in texts.SelectMany(Clusters).Where(c => c.EnumerateRunes().Count() > 1).Distinct())
            {
                string file = Path.Combine(dir, $"{cells._measured.Count}.txt");
                File.WriteAllText(file, "<" + cluster + ">");
                string session = "cells" + cells._measured.Count.ToString(CultureInfo.InvariantCulture);
                tmux.NewSession(session, $"cat '{file}'; sleep 60", 40, 5);
                tmux.WaitForScreen(session, s => s.Contains('>', StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the printed cluster");
                int cursor = int.Parse(tmux.Query(session, "#{cursor_x}"), CultureInfo.InvariantCulture);
                cells._measured[cluster] = cursor - 2;
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }

        return cells;
    }

    /// <summary>The cells of a text: measured clusters as tmux drew them, single code points by wcwidth.</summary>
    public int Of(string text) =>
        Clusters(text).Sum(c => _measured.TryGetValue(c, out int w) ? w : c.EnumerateRunes().Sum(r => Math.Max(r.GetColumns(), 0)));

    public static IEnumerable<string> Clusters(string text)
    {
        TextElementEnumerator clusters = StringInfo.GetTextElementEnumerator(text);
        while (clusters.MoveNext())
        {
            yield return clusters.GetTextElement();
        }
    }
}
