using System.Globalization;
using Terminal.Gui.Input;
using Terminal.Gui.Views;

namespace SecureChat.Tui.Views;

/// <summary>
/// Ctrl+R: readline's reverse search through what one sent. The prompt shows <c>(search `text`)</c> and the input
/// line the newest earlier line that holds the text (case-insensitive), the cursor on the match; Ctrl+R again goes to
/// the next older one (the prompt says <c>failed search</c> when there is none, and the last match stays). Enter puts
/// the match in the input line, to edit or send with another Enter; Esc or Ctrl+G gives back the draft as it was; any
/// other key takes the match and then does what it does (Ctrl+E, an arrow), as in readline. UI thread only.
/// </summary>
internal sealed class HistorySearch(ChatInput input, Label prompt, Func<IReadOnlyList<string>> lines)
{
    /// <summary>The prompt outside a search.</summary>
    public const string Prompt = "> ";

    private string _query = string.Empty;
    private string _draft = string.Empty;
    private int _draftCaret;
    private bool _failed;

    /// <summary>The index in <c>lines()</c> of the line shown, or -1 while it shows the draft.</summary>
    private int _match = -1;

    public bool IsActive { get; private set; }

    /// <summary>Ctrl+R in the input line: starts a search.</summary>
    public void Begin()
    {
        if (IsActive)
        {
            return;
        }

        _draft = input.Draft;
        _draftCaret = input.CharIndex;
        _query = string.Empty;
        _match = -1;
        _failed = false;
        IsActive = true;
        input.Intercept = OnKey;
        input.PasteStarting += Accept;
        ShowPrompt();
    }

    private bool OnKey(Key key)
    {
        if (key == Key.R.WithCtrl)
        {
            IReadOnlyList<string> all = lines();
            Find(all, (_match < 0 ? all.Count : _match) - 1);
            return true;
        }

        if (key == Key.Esc || key == Key.G.WithCtrl)
        {
            End();
            input.SetDraft(_draft, _draftCaret);
            return true;
        }

        if (key == Key.Enter)
        {
            Accept();
            return true;
        }

        if (key == Key.Backspace)
        {
            if (_query.Length > 0)
            {
                _query = _query[..StringInfo.ParseCombiningCharacters(_query)[^1]];
                Restart();
            }

            return true;
        }

        if (ChatInput.IsPrintable(key))
        {
            _query += key.AsGrapheme;
            IReadOnlyList<string> all = lines();
            Find(all, _match < 0 ? all.Count - 1 : _match);
            return true;
        }

        Accept();
        return false;
    }

    /// <summary>The query changed so that earlier misses may match: search again from the newest line.</summary>
    private void Restart()
    {
        if (_query.Length == 0)
        {
            _match = -1;
            _failed = false;
            input.SetDraft(_draft, _draftCaret);
            ShowPrompt();
            return;
        }

        IReadOnlyList<string> all = lines();
        Find(all, all.Count - 1);
    }

    /// <summary>Shows the newest line at or before <paramref name="from"/> that holds the query; none: says so and keeps the last.</summary>
    private void Find(IReadOnlyList<string> all, int from)
    {
        _failed = true;
        if (_query.Length > 0)
        {
            for (int i = Math.Min(from, all.Count - 1); i >= 0; i--)
            {
                int at = all[i].IndexOf(_query, StringComparison.OrdinalIgnoreCase);
                if (at >= 0)
                {
                    _match = i;
                    _failed = false;
                    input.SetDraft(all[i].Replace(ChatInput.NewlineMark, '\n'), at);
                    break;
                }
            }
        }

        ShowPrompt();
    }

    /// <summary>Ends the search with the match (or the draft) in the input line.</summary>
    private void Accept()
    {
        if (IsActive)
        {
            End();
        }
    }

    private void End()
    {
        IsActive = false;
        input.Intercept = null;
        input.PasteStarting -= Accept;
        prompt.Text = Prompt;
    }

    private void ShowPrompt() => prompt.Text = $"({(_failed ? "failed search" : "search")} `{_query}`) ";
}
