using SecureChat.Tui.App;
using Terminal.Gui.App;
using Terminal.Gui.Drivers;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace SecureChat.Tui.Views;

/// <summary>
/// The chat screen: message pane on top, the input line, and a status bar with the handshake stage, the key hash,
/// the peer (or peer count) and <c>F10 Quit</c>. Knows nothing of the network: lines typed are raised as
/// <see cref="LineEntered"/>, and the app sets what the status bar shows. UI thread only.
/// </summary>
internal sealed class ChatWindow : Window
{
    private readonly ChatInput _input;
    private readonly Shortcut _stage;
    private readonly Shortcut _key;
    private readonly Shortcut _peer;
    private readonly Shortcut _quit;
    private readonly InputHistory _history = new();

    /// <summary>Cells a status field takes beyond its text, and the width of the quit shortcut with the window border.</summary>
    private const int StatusFieldSpacing = 3;
    private const int QuitWidth = 13;

    private string _stageText = "connecting";
    private string _keyText = "key: none yet";
    private string _peerText = "no peer";

    /// <summary>The changed-identity warning while it is up, and its session on the app's stack.</summary>
    private (IdentityWarning View, SessionToken Session)? _warning;

    /// <summary>A warning taken down from inside its own key handler: disposed with the window, not in the handler.</summary>
    private IdentityWarning? _closedWarning;

    public ChatWindow(string title, int paneCapacity = MessagePane.DefaultCapacity)
    {
        Title = title;
        Pane = new MessagePane(paneCapacity) { X = 0, Y = 0, Height = Dim.Fill(2) };
        var prompt = new Label { Text = "> ", X = 0, Y = Pos.AnchorEnd(2) };
        _input = new ChatInput { X = 2, Y = Pos.AnchorEnd(2), Width = Dim.Fill() };
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
        _input.CompletionRequested += () =>
        {
            if (Completion.Complete(_input.Text ?? string.Empty, _input.CharIndex, ChatCommand.CommandNames, Names()) is { } done)
            {
                _input.SetDraft(done.Text.Replace(ChatInput.NewlineMark, '\n'), done.Caret);
            }
        };
        _stage = new Shortcut(Key.Empty, "connecting", null, null);
        _key = new Shortcut(Key.Empty, "key: none yet", null, null);
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

    /// <summary>
    /// Fits the status fields to the width so that <c>F10 Quit</c> always stays: the key hash shrinks first, then
    /// the peer, then the stage, each cut with an ellipsis (a field is never cut below its first character); when
    /// even that does not fit, whole fields give way in the same order (key, peer, stage), down to the quit hint alone.
    /// </summary>
    private void FitStatus()
    {
        Shortcut[] shortcuts = [_stage, _key, _peer];
        int width = Math.Max(Frame.Width, 0);
        if (width == 0)
        {
            (_stage.Title, _key.Title, _peer.Title) = (_stageText, _keyText, _peerText);
            ShowFields([true, true, true]);
            return;
        }

        bool[] shown = [true, true, true];
        string[] fields = [_stageText, _keyText, _peerText];
        foreach (int dropped in new[] { -1, 1, 2, 0 })
        {
            if (dropped >= 0)
            {
                shown[dropped] = false;
            }

            fields = [_stageText, _keyText, _peerText];
            if (Shrink(fields, shown, width))
            {
                break;
            }
        }

        for (int i = 0; i < shortcuts.Length; i++)
        {
            shortcuts[i].Title = fields[i];
        }

        ShowFields(shown);
    }

    /// <summary>Puts exactly the shown fields (and the quit shortcut) on the bar; a hidden one still takes room in the toolkit's layout, so it leaves the bar.</summary>
    private void ShowFields(bool[] shown)
    {
        Shortcut[] wanted = [.. new[] { _stage, _key, _peer }.Where((_, i) => shown[i]), _quit];
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

    /// <summary>The names Tab completes (set by the app to the model's member list).</summary>
    public Func<IEnumerable<string>> Names { get; set; } = () => [];

    /// <summary>This side's name as the last status gave it (empty before the first).</summary>
    public string OwnName { get; private set; } = string.Empty;

    /// <summary>What the title says before " - you are NAME" (set by the app; tests leave it empty).</summary>
    public string Place { get; init; } = string.Empty;

    public void SetStatus(ChatStatus status)
    {
        _stageText = status.Stage;
        _keyText = status.KeyHash is { } key ? "key " + key + (status.Trust is { } trust ? $" ({trust})" : string.Empty)
            : status.SeveralKeys ? "keys: /fingerprint"
            : status.Trust is { } refused ? "identity " + refused
            : "key: none yet";
        _peerText = status.Peer;
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
            foreach (Shortcut field in new[] { _stage, _key, _peer }.Where(f => f.SuperView is null))
            {
                field.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private bool OnInputKey(Key key)
    {
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

    private void SetInput(string text) => _input.SetDraft(text.Replace(ChatInput.NewlineMark, '\n'));
}
