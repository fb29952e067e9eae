using System.Text;
using Terminal.Gui.App;
using Terminal.Gui.Drivers;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace SecureChat.Tui.Views;

/// <summary>
/// The input line: a one-row <see cref="TextField"/> that takes pastes of any size at once, keeps newlines, and
/// has the readline keys chat users expect. UI thread only.
/// </summary>
/// <remarks>
/// Why a subclass (see the shared TERMINAL_GUI.md, "Paste, multi-line input and idle cost"): TextField does work in
/// proportion to its whole text for every key and keeps two copies of it per change for undo, so a paste that
/// arrives as keys (no bracketed paste) is quadratic in time and memory. Here the first printable key of a
/// main-loop iteration is typed as usual; further keys of the same burst are collected and inserted with one
/// <see cref="TextField.Text"/> set at the start of the next iteration (or before any other key), and the undo
/// history is cleared after every bulk insert and every send. <c>Height = 1</c> avoids the auto height that word-wraps
/// the whole text on each layout.
/// <para>
/// Newlines: a TextField holds one line, so a newline in the draft is kept as <see cref="NewlineMark"/> and turned
/// back into <c>'\n'</c> by <see cref="Draft"/>. One arrives by bracketed paste, by Ctrl+J or Alt+Enter, or as an
/// Enter inside a paste that arrives as keys. Input comes in runs: the keys (and pastes) of one 40 ms main-loop
/// iteration, going on into the very next iteration when it had more than one. irssi's rule tells a paste from
/// typing: a run with more than one line is a paste (each Enter in it a newline, nothing sent); one Enter at the
/// very end of a run, after typed keys, sends the line once the run is over (so <c>tmux send-keys 'ok' Enter</c>,
/// expect scripts and a line typed over a laggy link send). A bracketed paste makes its whole run a paste, so keys
/// that follow it in the same run (a terminal that passes an end marker inside pasted text on) stay pasted text.
/// </para>
/// </remarks>
internal sealed class ChatInput : TextField
{
    /// <summary>How a newline shows in the input line (the draft has <c>'\n'</c> there).</summary>
    public const char NewlineMark = '↵';

    /// <summary>A draft of more lines than this asks for a second Enter before it is sent.</summary>
    public const int ConfirmLines = 3;

    private readonly StringBuilder _burst = new();
    private readonly LineEditing _editing = new();
    private IApplication? _subscribed;
    private long _iteration;
    private long _lastKeyIteration = -10;
    private int _runKeys;

    /// <summary>The run is a paste: it holds a bracketed paste or more than one line, so every Enter in it is a newline.</summary>
    private bool _runPasted;

    /// <summary>An Enter that came after typed keys of the run: it sends once the run ends with nothing after it.</summary>
    private bool _pendingEnter;
    private bool _confirming;

    public ChatInput()
    {
        Height = 1;
    }

    /// <summary>Enter on a draft (already cleared from the input). The flag says whether pasted text is in it.</summary>
    public event Action<string, bool>? Submitted;

    /// <summary>Enter on a draft of more than <see cref="ConfirmLines"/> lines: the argument is its line count.</summary>
    public event Action<int>? ConfirmationNeeded;

    /// <summary>Ctrl+C (the terminal sends it as a key while the screen is raw): quit like F10.</summary>
    public event Action? QuitRequested;

    /// <summary>Tab: the window completes the word before the insertion point.</summary>
    public event Action? CompletionRequested;

    /// <summary>A paste arrives (a history search in progress takes its match first).</summary>
    public event Action? PasteStarting;

    /// <summary>While set (a history search), every key comes here first; true when it was used.</summary>
    public Func<Key, bool>? Intercept { get; set; }

    /// <summary>Asked on Enter before a draft is sent (with the pasted flag): true keeps it in the input line, unsent.</summary>
    public Func<string, bool, bool>? Refuse { get; set; }

    /// <summary>Keys other than typing that the window handles (Up, Down, PgUp, PgDn); true when handled.</summary>
    public Func<Key, bool>? WindowKeys { get; set; }

    /// <summary>True when text in the draft arrived in a paste (bracketed, or a burst with a newline).</summary>
    public bool HasPaste { get; private set; }

    /// <summary>The draft as it will be sent: newlines as <c>'\n'</c>, including keys not inserted yet.</summary>
    public string Draft
    {
        get
        {
            Flush();
            return (Text ?? string.Empty).Replace(NewlineMark, '\n');
        }
    }

    /// <summary>The insertion point as a UTF-16 index into <see cref="TextField.Text"/>.</summary>
    public int CharIndex
    {
        get => DraftText.ToCharIndex(Text ?? string.Empty, InsertionPoint);
        set => InsertionPoint = DraftText.ToElementIndex(Text ?? string.Empty, value);
    }

    /// <summary>Replaces the draft (history recall, completion, clearing), with the insertion point at <paramref name="caret"/> (default: end).</summary>
    public void SetDraft(string text, int? caret = null, bool pasted = false)
    {
        _burst.Clear();
        string shown = text.Replace('\n', NewlineMark);
        Text = shown;
        CharIndex = caret ?? shown.Length;
        HasPaste = pasted;
        _confirming = false;
        ClearHistoryChanges();
    }

    /// <summary>Inserts the collected keys of a burst with one text change. Called at each iteration and before other keys.</summary>
    public void Flush()
    {
        if (_burst.Length == 0)
        {
            return;
        }

        string inserted = _burst.ToString();
        _burst.Clear();
        if (inserted.Contains(NewlineMark))
        {
            HasPaste = true;
        }

        InsertBulk(inserted);
    }

    protected override string OnSanitizingPaste(string raw)
    {
        // Keep every line (TextField keeps only the first): newlines become the mark, tabs spaces, other controls go.
        var text = new StringBuilder(raw.Length);
        string normal = raw.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        foreach (char c in normal)
        {
            if (c == '\n')
            {
                text.Append(NewlineMark);
            }
            else if (c == '\t')
            {
                text.Append(' ');
            }
            else if (!char.IsControl(c))
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }

    protected override bool OnPaste(string text)
    {
        // The paste belongs to the run it arrives in: keys right after it (a terminal that passes an end marker
        // inside pasted text on, then the rest of the text as keys) are pasted text too, never a send or a command.
        PasteStarting?.Invoke();
        _editing.Interrupt();
        Subscribe();
        StartOrContinueRun();
        _runKeys += 2;
        MakeRunPasted();
        Flush();
        InsertBulk(text);
        HasPaste = true;
        return true;
    }

    protected override bool OnKeyDown(Key key)
    {
        if (key.KeyCode == KeyCode.Null)
        {
            // An undecodable sequence (see KeyDecoding): no key at all, so not part of a burst either.
            return true;
        }

        if (Intercept is { } intercept)
        {
            Flush();
            if (intercept(key))
            {
                return true;
            }
        }

        Subscribe();
        StartOrContinueRun();
        _runKeys++;

        if (IsPrintable(key))
        {
            _confirming = false;
            _editing.Interrupt();
            if (_pendingEnter)
            {
                // Text after the Enter: the run has more than one line, so it is a paste.
                MakeRunPasted();
            }

            if (_runKeys >= 2)
            {
                _burst.Append(key.AsGrapheme);
                return true;
            }

            Flush();
            return base.OnKeyDown(key);
        }

        if (key == Key.Enter && (_runPasted || _pendingEnter))
        {
            MakeRunPasted();
            _burst.Append(NewlineMark);
            return true;
        }

        if (key == Key.Enter && _runKeys >= 2)
        {
            // After typed keys of the same run: a line and its Enter, or the first line of a paste; the end of the run tells.
            _pendingEnter = true;
            return true;
        }

        if (_pendingEnter)
        {
            // Another key after the line and its Enter (an arrow, a function key): the line was typed; send it first.
            _pendingEnter = false;
            Submit(confirmed: false);
        }

        Flush();
        bool confirming = _confirming;
        _confirming = false;
        if (key == Key.Enter)
        {
            Submit(confirmed: confirming);
            return true;
        }

        return HandleKey(key) || base.OnKeyDown(key);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _subscribed is not null)
        {
            _subscribed.Iteration -= OnIteration;
            _subscribed = null;
        }

        base.Dispose(disposing);
    }

    public static bool IsPrintable(Key key) =>
        !key.IsCtrl && !key.IsAlt && key.AsRune.Value >= 0x20 && key.AsRune.Value != 0x7F && key.AsGrapheme.Length > 0;

    private void Subscribe()
    {
        if (App is { } app && !ReferenceEquals(app, _subscribed))
        {
            if (_subscribed is not null)
            {
                _subscribed.Iteration -= OnIteration;
            }

            _subscribed = app;
            app.Iteration += OnIteration;
        }
    }

    private void OnIteration(object? sender, EventArgs<IApplication?> e)
    {
        _iteration++;
        Flush();
        if (_pendingEnter && _iteration - _lastKeyIteration >= 2)
        {
            // The run ended with one Enter after typed keys and nothing after it: the line is sent, as irssi does.
            _pendingEnter = false;
            bool confirming = _confirming;
            _confirming = false;
            Submit(confirmed: confirming);
        }
    }

    /// <summary>Counts the input of this iteration into the current run, or starts a new run.</summary>
    private void StartOrContinueRun()
    {
        if (_lastKeyIteration != _iteration)
        {
            // A new run, unless a burst (or a paste) goes on into the very next iteration.
            bool continues = _lastKeyIteration == _iteration - 1 && _runKeys >= 2;
            if (!continues)
            {
                _runKeys = 0;
                _runPasted = false;
            }
        }

        _lastKeyIteration = _iteration;
    }

    /// <summary>The run is a paste from here on; an Enter held back for it becomes a newline.</summary>
    private void MakeRunPasted()
    {
        _runPasted = true;
        if (_pendingEnter)
        {
            _pendingEnter = false;
            _burst.Append(NewlineMark);
        }
    }

    private void Submit(bool confirmed)
    {
        string draft = Draft;
        if (draft.Trim().Length == 0)
        {
            return;
        }

        // A draft that cannot be sent is refused before any confirmation is asked for.
        bool pasted = HasPaste;
        if (Refuse?.Invoke(draft, pasted) == true)
        {
            return;
        }

        int lines = draft.Trim('\n').Split('\n').Length;
        if (lines > ConfirmLines && !confirmed)
        {
            _confirming = true;
            ConfirmationNeeded?.Invoke(lines);
            return;
        }

        SetDraft(string.Empty);
        Submitted?.Invoke(draft, pasted);
    }

    /// <summary>The readline keys, and the keys the window handles; true when the key was used.</summary>
    private bool HandleKey(Key key)
    {
        string text = Text ?? string.Empty;
        int at = CharIndex;
        if (key == Key.C.WithCtrl)
        {
            QuitRequested?.Invoke();
            return true;
        }

        // Ctrl+J is a line feed: most terminals (xterm, tmux, GNOME Terminal) send 0x0A, which arrives as Ctrl+Enter;
        // Alt+Enter arrives as ESC CR, read as Ctrl+Alt+M; terminals with extended key reporting send the keys as named.
        if (key == Key.J.WithCtrl || key == Key.Enter.WithCtrl || key == Key.Enter.WithAlt || key == Key.M.WithCtrl.WithAlt)
        {
            InsertBulk(NewlineMark.ToString());
            return true;
        }

        if (key == Key.Tab)
        {
            CompletionRequested?.Invoke();
            return true;
        }

        if (_editing.Apply(key, text, at) is { } edited)
        {
            Edit(edited.Text, edited.Caret);
            return true;
        }

        _editing.Interrupt();
        return WindowKeys?.Invoke(key) == true;
    }

    private void Edit(string text, int caret)
    {
        Text = text;
        CharIndex = caret;
        ClearHistoryChanges();
    }

    private void InsertBulk(string inserted)
    {
        string text = Text ?? string.Empty;
        int at = CharIndex;
        Text = string.Concat(text.AsSpan(0, at), inserted, text.AsSpan(at));
        CharIndex = at + inserted.Length;
        ClearHistoryChanges();
    }
}
