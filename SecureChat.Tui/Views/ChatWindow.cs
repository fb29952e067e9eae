using SecureChat.Tui.App;
using Terminal.Gui.App;
using Terminal.Gui.Drivers;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace SecureChat.Tui.Views;

/// <summary>
/// The chat screen: message pane on top, the input line, and a status bar with the handshake stage, the key hash,
/// the peer's identity fingerprint with its trust word, the peer (or peer count) and <c>F10 Quit</c>. Knows nothing of the network: lines typed are raised as
/// <see cref="LineEntered"/>, and the app sets what the status bar shows. UI thread only.
/// </summary>
internal sealed class ChatWindow : Window
{
    private readonly ChatInput _input;
    private readonly Shortcut _stage;
    private readonly Shortcut _key;
    private readonly Shortcut _identity;
    private readonly Shortcut _peer;
    private readonly Shortcut _quit;
    private readonly InputHistory _history = new();
    private readonly HistorySearch _search;

    /// <summary>What the last Tab put in the input line (null before one, or when it completed nothing).</summary>
    private Completion? _completion;

    /// <summary>Cells a status field takes beyond its text, and the width of the quit shortcut with the window border.</summary>
    private const int StatusFieldSpacing = 3;
    private const int QuitWidth = 13;

    private string _stageText = "connecting";
    private string _keyText = "key: none yet";
    private string _peerText = "no peer";
    private string _identityText = string.Empty;

    /// <summary>The start of the identity field that must stay readable ("new identity").</summary>
    private string _identityWord = string.Empty;

    /// <summary>The changed-identity warning while it is up, and its session on the app's stack.</summary>
    private (IdentityWarning View, SessionToken Session)? _warning;

    /// <summary>A warning taken down from inside its own key handler: disposed with the window, not in the handler.</summary>
    private IdentityWarning? _closedWarning;

    public ChatWindow(string title, int paneCapacity = MessagePane.DefaultCapacity)
    {
        Title = title;
        Pane = new MessagePane(paneCapacity) { X = 0, Y = 0, Height = Dim.Fill(2) };
        var prompt = new Label { Text = HistorySearch.Prompt, X = 0, Y = Pos.AnchorEnd(2) };
        _input = new ChatInput { X = Pos.Right(prompt), Y = Pos.AnchorEnd(2), Width = Dim.Fill() };
        _search = new HistorySearch(_input, prompt, () => _history.Lines);
        _input.Submitted += (line, pasted) =>
        {
            _history.Add(line.Replace('\n', ChatInput.NewlineMark));
            Pane.ScrollToEnd();
            LineEntered?.Invoke(line, pasted);
        };
        _input.ConfirmationNeeded += lines => Pane.Append(new PaneEntry(ChatLine.Notice(
            $"this message has {lines} lines: press Enter again to send it as one message, or edit it")));
        _input.QuitRequested += Quit;
        _input.WindowKeys = OnInputKey;
        _input.CompletionRequested += CompleteWord;
        _stage = new Shortcut(Key.Empty, "connecting", null, null);
        _key = new Shortcut(Key.Empty, "key: none yet", null, null);
        _identity = new Shortcut(Key.Empty, string.Empty, null, null);
        _peer = new Shortcut(Key.Empty, "no peer", null, null);
        _quit = new Shortcut(Key.F10, "Quit", Quit, null);
        StatusBar = new StatusBar([_stage, _key, _peer, _quit]);
        Add(Pane, prompt, _input, StatusBar);
        FrameChanged += (_, _) => FitStatus();
        _input.SetFocus();
    }

    /// <summary>
    /// A non-blank draft the user sent with Enter (already recorded in the history); newlines are <c>'\n'</c>, and the
    /// flag says whether pasted text is in it (then it is a message, never a command).
    /// </summary>
    public event Action<string, bool>? LineEntered;

    public MessagePane Pane { get; }

    public StatusBar StatusBar { get; }

    public ChatInput Input => _input;

    /// <summary>The full texts of the status fields (the bar may show them shortened).</summary>
    public string StageText => _stageText;

    public string KeyText => _keyText;

    public string PeerText => _peerText;

    /// <summary>The status fields in bar order: stage, key, identity, peer.</summary>
    private Shortcut[] Fields => [_stage, _key, _identity, _peer];

    /// <summary>
    /// Fits the status fields to the width so that <c>F10 Quit</c> always stays: the identity shrinks first (never
    /// below its trust word and a start of the fingerprint, else it leaves the bar), then the key hash, then the
    /// peer, then the stage, each cut with an ellipsis (a field is never cut below its first character); when even
    /// that does not fit, whole fields give way in the order key, peer, stage, down to the quit hint alone.
    /// </summary>
    private void FitStatus()
    {
        string[] texts = [_stageText, _keyText, _identityText, _peerText];
        int width = Math.Max(Frame.Width, 0);
        bool[] shown = [.. texts.Select(t => t.Length > 0)];
        string[] fields = [.. texts];
        if (width > 0)
        {
            // The identity is only ever cut to its trust word and a start of the fingerprint; rather than cut the
            // key hash for it, it gives way whole.
            fields = [.. texts];
            bool fits = Shrink(fields, shown, width, [(2, _identityWord.Length + 2)]);
            foreach (int dropped in new[] { 2, 1, 3, 0 })
            {
                if (fits)
                {
                    break;
                }

                shown[dropped] = false;
                fields = [.. texts];
                fits = Shrink(fields, shown, width, [(1, 9), (3, 9), (3, 2), (1, 2), (0, 2)]);
            }
        }

        Shortcut[] shortcuts = Fields;
        for (int i = 0; i < shortcuts.Length; i++)
        {
            shortcuts[i].Title = fields[i];
        }

        ShowFields(shown);
    }

    /// <summary>Shortens the shown <paramref name="fields"/> to fit <paramref name="width"/> beside the quit hint; false when they cannot.</summary>
    /// <remarks>Each step cuts one field down to at most a shortest length, in order: first to a readable start ("key 52AF…"), then further.</remarks>
    private static bool Shrink(string[] fields, bool[] shown, int width, (int Field, int Shortest)[] steps)
    {
        // Each shown field takes its text plus StatusFieldSpacing cells (margins and separator); the quit shortcut its own.
        int budget = width - QuitWidth - (shown.Count(s => s) * StatusFieldSpacing);
        int Used() => Enumerable.Range(0, fields.Length).Where(i => shown[i]).Sum(i => fields[i].Length);

        foreach ((int field, int shortest) in steps)
        {
            int over = Used() - budget;
            if (over > 0 && shown[field])
            {
                fields[field] = Ellipsize(fields[field], Math.Max(fields[field].Length - over, shortest));
            }
        }

        return Used() <= budget;
    }

    /// <summary>Puts exactly the shown fields (and the quit shortcut) on the bar; a hidden one still takes room in the toolkit's layout, so it leaves the bar.</summary>
    private void ShowFields(bool[] shown)
    {
        Shortcut[] wanted = [.. Fields.Where((_, i) => shown[i]), _quit];
        if (StatusBar.SubViews.OfType<Shortcut>().SequenceEqual(wanted))
        {
            return;
        }

        foreach (Shortcut shortcut in StatusBar.SubViews.OfType<Shortcut>().ToList())
        {
            StatusBar.Remove(shortcut);
        }

        foreach (Shortcut shortcut in wanted)
        {
            StatusBar.Add(shortcut);
        }
    }

    /// <summary>Shortens the shown <paramref name="fields"/> to fit <paramref name="width"/> beside the quit hint; false when they cannot.</summary>
    private static bool Shrink(string[] fields, bool[] shown, int width)
    {
        // Each shown field takes its text plus StatusFieldSpacing cells (margins and separator); the quit shortcut its own.
        int budget = width - QuitWidth - (shown.Count(s => s) * StatusFieldSpacing);
        int Used() => Enumerable.Range(0, fields.Length).Where(i => shown[i]).Sum(i => fields[i].Length);

        // First down to a readable start ("key 52AF…"), the key before the peer; then further, the peer first.
        foreach ((int field, int shortest) in new[] { (1, 9), (2, 9), (2, 2), (1, 2), (0, 2) })
        {
            int over = Used() - budget;
            if (over > 0 && shown[field])
            {
                fields[field] = Ellipsize(fields[field], Math.Max(fields[field].Length - over, shortest));
            }
        }

        return Used() <= budget;
    }

    /// <summary><paramref name="text"/> cut to <paramref name="length"/> characters (at least one and the ellipsis).</summary>
    public static string Ellipsize(string text, int length) =>
        text.Length <= length ? text : string.Concat(text.AsSpan(0, Math.Max(length - 1, 1)), "…");

    /// <summary>The command names Tab completes (set by the app to its role's; by default a client's).</summary>
    public IReadOnlyList<string> CommandNames { get; set; } = ChatCommands.Names(isServer: false, CommandModes.Screen);

    /// <summary>The names Tab completes (set by the app to the model's member list).</summary>
    public Func<IEnumerable<string>> Names { get; set; } = () => [];

    /// <summary>This side's name as the last status gave it (empty before the first).</summary>
    public string OwnName { get; private set; } = string.Empty;

    /// <summary>What the title says before " - you are NAME" (set by the app; tests leave it empty).</summary>
    public string Place { get; init; } = string.Empty;

    public void SetStatus(ChatStatus status)
    {
        _stageText = status.Stage;
        _keyText = status.KeyHash is { } key ? "key " + key
            : status.SeveralKeys ? "keys: /fingerprint"
            : status.Trust is { } refused ? "identity " + refused
            : status.Ended ? "key: none (link ended)"
            : "key: none yet";
        (_identityWord, _identityText) = status is { KeyHash: not null, Trust: { } trust, Identity: { } identity }
            ? ($"{trust} identity", $"{trust} identity {identity}")
            : (string.Empty, string.Empty);
        _peerText = status.Lag is { } lag ? $"{status.Peer}, {lag}" : status.Peer;
        OwnName = status.Name;
        FitStatus();
        if (Place.Length > 0 && status.Name.Length > 0)
        {
            Title = $"{Place} - you are {status.Name}";
        }
    }

    /// <summary>
    /// Shows the changed-identity warning over this window and returns at once; <paramref name="dismissed"/> runs
    /// when the user dismisses it. The warning is begun as the top runnable of the app's own session stack (it gets
    /// every key and is drawn over the window, whose status bar stays in view), not run in a nested loop: in
    /// Terminal.Gui 2.5.0 an <c>Invoke</c> callback runs under the timer queue's lock, so a nested <c>Run</c> there
    /// blocks every other thread's <c>Invoke</c> for as long as the dialog is up, and it was seen not to draw when
    /// begun before the first frame. Needs a running app.
    /// </summary>
    public void Warn(IdentityRefusal refusal, Action dismissed)
    {
        if (App is not { } app || _warning is not null)
        {
            return;
        }

        var warning = new IdentityWarning(refusal);
        if (app.Begin(warning) is not { } session)
        {
            warning.Dispose();
            return;
        }

        _warning = (warning, session);
        warning.Dismissed += () =>
        {
            CloseWarning();
            dismissed();
        };
    }

    /// <summary>Ends the run: takes down the warning if it is up, then stops this window. UI thread.</summary>
    public void Quit()
    {
        CloseWarning();
        App?.RequestStop(this);
    }

    private void CloseWarning()
    {
        if (_warning is { } warning)
        {
            _warning = null;
            _closedWarning = warning.View;
            App?.End(warning.Session);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            CloseWarning();
            _closedWarning?.Dispose();
            foreach (Shortcut field in Fields.Where(f => f.SuperView is null))
            {
                field.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private bool OnInputKey(Key key)
    {
        if (key == Key.R.WithCtrl)
        {
            _search.Begin();
            return true;
        }

        switch (key.KeyCode)
        {
            case KeyCode.PageUp:
                Pane.ScrollPages(-1);
                return true;
            case KeyCode.PageDown:
                Pane.ScrollPages(1);
                return true;
            case KeyCode.CursorUp:
                if (_history.Previous(_input.Text ?? string.Empty) is { } previous)
                {
                    SetInput(previous);
                }

                return true;
            case KeyCode.CursorDown:
                if (_history.Next() is { } next)
                {
                    SetInput(next);
                }

                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Tab: the next candidate when the line is as the last Tab left it, else the first candidate for the word before
    /// the insertion point; when a new round has several candidates, one notice lists them.
    /// </summary>
    private void CompleteWord()
    {
        string text = _input.Text ?? string.Empty;
        bool again = _completion is { } last && last.Text == text && last.Caret == _input.CharIndex;
        Completion? next = again ? _completion!.Next() : Completion.Start(text, _input.CharIndex, CommandNames, Names());
        _completion = next;
        if (next is null)
        {
            return;
        }

        if (!again && next.Candidates.Count > 1)
        {
            Pane.Append(new PaneEntry(ChatLine.Notice(CandidatesNotice(next.Candidates))));
        }

        _input.SetDraft(next.Text.Replace(ChatInput.NewlineMark, '\n'), next.Caret);
    }

    /// <summary>"3 matches, Tab for the next: Albert, Alice, Alma" (a long list cut after <see cref="CandidatesShownMax"/>).</summary>
    public static string CandidatesNotice(IReadOnlyList<string> candidates)
    {
        string shown = string.Join(", ", candidates.Take(CandidatesShownMax));
        string more = candidates.Count > CandidatesShownMax ? $" and {candidates.Count - CandidatesShownMax} more" : string.Empty;
        return $"{candidates.Count} matches, Tab for the next: {shown}{more}";
    }

    /// <summary>The most candidates the notice names; a count stands for the rest (a hub can have thousands of members).</summary>
    public const int CandidatesShownMax = 20;

    private void SetInput(string text) => _input.SetDraft(text.Replace(ChatInput.NewlineMark, '\n'));
}
