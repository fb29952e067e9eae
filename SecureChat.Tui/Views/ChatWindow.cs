using SecureChat.Tui.App;
using Terminal.Gui.App;
using Terminal.Gui.Drivers;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace SecureChat.Tui.Views;

/// <summary>
/// The chat screen: the shown window's message pane, the window list (a side pane on a terminal of at least
/// <see cref="WindowList.SideMinimumWidth"/> columns, else a tab bar above the input line), the input line, and a
/// status bar with the shown window, the handshake stage, the key hash, the peer's identity fingerprint with its trust
/// word, the peer (or peer count) and <c>F10 Quit</c>. Each window keeps its own scrollback (<see cref="WindowPanes"/>);
/// Alt+1..9 and Alt+0, Ctrl+N and Ctrl+P switch. Knows nothing of the network: lines typed are raised as
/// <see cref="LineEntered"/> with the shown window's key, and the app sets what the status bar shows. UI thread only.
/// </summary>
internal sealed partial class ChatWindow : Window
{
    private readonly ChatInput _input;
    private readonly WindowList _list;
    private readonly int _paneCapacity;
    private readonly Shortcut _window;
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

    private string _windowText = "1:" + PaneWindow.StatusTitle;
    private string _stageText = "connecting";
    private string _keyText = "key: none yet";
    private string _peerText = "no peer";
    private string _identityText = string.Empty;

    /// <summary>The start of the identity field that must stay readable ("new identity").</summary>
    private string _identityWord = string.Empty;

    /// <summary>The side pane is up (else the tab bar); null before the first layout.</summary>
    private bool? _side;

    /// <summary>The kind of window the last line typed asks to open (<c>/join</c>, <c>/query</c>): shown once it opens.</summary>
    private WindowKind? _opening;

    /// <summary>The changed-identity warning while it is up, and its session on the app's stack.</summary>
    private (IdentityWarning View, SessionToken Session)? _warning;

    /// <summary>A warning taken down from inside its own key handler: disposed with the window, not in the handler.</summary>
    private IdentityWarning? _closedWarning;

    public ChatWindow(string title, int paneCapacity = MessagePane.DefaultCapacity)
    {
        Title = title;
        _paneCapacity = paneCapacity;
        Windows = new WindowPanes(NewPane);
        Windows.Current.Pane.Visible = true;
        Windows.Switched += OnSwitched;
        Windows.Changed += () => ShowWindowField();
        Windows.Closed += window =>
        {
            Remove(window.Pane);
            window.Pane.Dispose();
        };
        _list = new WindowList(Windows);
        var prompt = new Label { Text = HistorySearch.Prompt, X = 0, Y = Pos.AnchorEnd(2) };
        _input = new ChatInput { X = Pos.Right(prompt), Y = Pos.AnchorEnd(2), Width = Dim.Fill() };
        _search = new HistorySearch(_input, prompt, () => _history.Lines);
        _input.Submitted += (line, pasted) =>
        {
            _history.Add(line.Replace('\n', ChatInput.NewlineMark));
            Pane.ScrollToEnd();
            _opening = pasted ? null : WindowCommands.Opens(line);
            LineEntered?.Invoke(line, pasted, Windows.Current.Key);
        };
        _input.Refuse = RefuseOverLimit;
        _input.ConfirmationNeeded += lines => Pane.Append(new PaneEntry(ChatLine.Notice(
            $"this message has {lines} lines: press Enter again to send it as one message, or edit it")));
        _input.QuitRequested += Quit;
        _input.WindowKeys = OnInputKey;
        _input.CompletionRequested += CompleteWord;
        _window = new Shortcut(Key.Empty, _windowText, null, null);
        _stage = new Shortcut(Key.Empty, "connecting", null, null);
        _key = new Shortcut(Key.Empty, "key: none yet", null, null);
        _identity = new Shortcut(Key.Empty, string.Empty, null, null);
        _peer = new Shortcut(Key.Empty, "no peer", null, null);
        _quit = new Shortcut(Key.F10, "Quit", Quit, null);
        StatusBar = new StatusBar([_window, _stage, _key, _peer, _quit]);
        Add(_list, prompt, _input, StatusBar);
        Arrange(side: false);
        FrameChanged += (_, _) =>
        {
            Arrange(Frame.Width >= WindowList.SideMinimumWidth);
            FitStatus();
        };
        _input.SetFocus();
    }

    /// <summary>
    /// A non-blank draft the user sent with Enter (already recorded in the history); newlines are <c>'\n'</c>, the
    /// flag says whether pasted text is in it (then it is a message, never a command), and the last argument is the
    /// key of the window shown when it was sent (<see cref="WindowInfo.Key"/>), where a message goes.
    /// </summary>
    public event Action<string, bool, string>? LineEntered;

    /// <summary>Ctrl+Z: the user asks to suspend the app (as a shell's job control does), to come back with <c>fg</c>.</summary>
    public event Action? SuspendRequested;

    /// <summary>A line was appended to any window's pane (with <c>--bell</c>, <see cref="AwayAlerts"/> counts the messages of others).</summary>
    public event Action<PaneEntry>? Appended;

    /// <summary>The windows, their panes and which one is shown.</summary>
    public WindowPanes Windows { get; }

    /// <summary>The shown window's scrollback.</summary>
    public MessagePane Pane => Windows.Current.Pane;

    /// <summary>The window list is the side pane (a wide terminal) rather than the tab bar.</summary>
    public bool SideList => _side == true;

    public StatusBar StatusBar { get; }

    public ChatInput Input => _input;

    /// <summary>The full texts of the status fields (the bar may show them shortened).</summary>
    public string StageText => _stageText;

    public string KeyText => _keyText;

    public string PeerText => _peerText;

    /// <summary>The status fields in bar order: window, stage, key, identity, peer.</summary>
    private Shortcut[] Fields => [_window, _stage, _key, _identity, _peer];

    /// <summary>The command names Tab completes (set by the app to its role's; by default a client's).</summary>
    public IReadOnlyList<string> CommandNames { get; set; } = ChatCommands.Names(isServer: false, CommandModes.Screen);

    /// <summary>The names Tab completes in a window, by its key (set by the app to the model's members of that room).</summary>
    public Func<string, IEnumerable<string>> Names { get; set; } = _ => [];

    /// <summary>This side's name as the last status gave it (empty before the first).</summary>
    public string OwnName { get; private set; } = string.Empty;

    /// <summary>What the title says before " - you are NAME" (set by the app; tests leave it empty).</summary>
    public string Place { get; init; } = string.Empty;

    public void SetStatus(ChatStatus status)
    {
        _stageText = status.Alert is { } alert ? $"{alert} | {status.Stage}" : status.Stage;
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
        ShowTitle();
    }

    /// <summary>
    /// The terminal's title: the shown window, what this is, and the user's name ("#dev - SecureChat client of
    /// host:port - you are Alice"); the status window adds no name (a title that starts with "(" is the count of
    /// messages that arrived while the user was away, see <see cref="AwayAlerts"/>).
    /// </summary>
    private void ShowTitle()
    {
        if (Place.Length > 0 && OwnName.Length > 0)
        {
            string window = Windows.Current.Info.Kind == WindowKind.Status ? string.Empty : Windows.Current.Caption + " - ";
            Title = $"{window}{Place} - you are {OwnName}";
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

            foreach (PaneWindow window in Windows.All.Where(w => w.Pane.SuperView is null))
            {
                window.Pane.Dispose();
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

        if (key == Key.Z.WithCtrl)
        {
            SuspendRequested?.Invoke();
            return true;
        }

        if (WindowCommands.Number(key) is { } number)
        {
            Windows.Show(number);
            return true;
        }

        if (key == Key.N.WithCtrl || key == Key.P.WithCtrl)
        {
            Windows.Move(key == Key.N.WithCtrl ? 1 : -1);
            return true;
        }

        switch (key.KeyCode)
        {
            case KeyCode.PageUp:
                if (!LoadOlder())
                {
                    Pane.ScrollPages(-1);
                }

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
        Completion? next = again ? _completion!.Next() : Completion.Start(text, _input.CharIndex, CommandNames, Names(Windows.Current.Key).Concat(Rooms));
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
