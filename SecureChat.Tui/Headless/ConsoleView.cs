using SecureChat.Tui.App;

namespace SecureChat.Tui.Headless;

/// <summary>
/// Headless output, one flushed line per thing said, in one grammar (README, "Headless mode"):
/// <c>[TIME ][WINDOW ]TAG TEXT</c>, where WINDOW is <c>[#room]</c> or <c>[@name]</c> (none for the status window), TAG is <c>[*]</c> for a notice, <c>[!]</c> for an error (on standard error), or
/// <c>[NAME]:</c> for a message (an action reads <c>[NAME]: * waves</c>; on a client the operator's own messages read
/// <c>[NAME:operator]:</c>, which no member's name can, as a name cannot hold <c>:</c>), and TIME (with
/// <c>--timestamps</c>) is ISO 8601 with seconds. With <c>--json</c> every line is one JSON object on standard output
/// instead (<see cref="JsonLine"/>). A newline or other control character arrives already made a visible escape
/// (every <see cref="ChatLine"/> is made safe by <see cref="SecureChat.Engine.Chat.SafeText"/>), never as a line
/// break. What this side sends is not echoed; there is no status bar and nothing to clear. Thread-safe (lines are
/// written under a lock).
/// </summary>
internal sealed class ConsoleView(TextWriter output, TextWriter error, bool timestamps = false, bool json = false) : IChatView
{
    /// <summary>What marks the operator's own messages on a client: a name cannot hold a colon, so no member can look so.</summary>
    public const string OperatorMark = ":operator";

    private readonly object _gate = new();
    private readonly Dictionary<string, string> _titles = [];
    private readonly TaskCompletionSource _quitting = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the model (or a failed connection) asked to quit.</summary>
    public Task Quitting => _quitting.Task;

    public void Show(ChatLine line)
    {
        if (line.Kind == LineKind.Own)
        {
            return;
        }

        if (json)
        {
            if (line.Repeats)
            {
                return;
            }

            Write(output, JsonLine.Format(line));
            return;
        }

        string stamp = (timestamps ? JsonLine.Time(line.Time) + " " : string.Empty) + WindowPrefix(line.Window);
        string sender = line.FromOperator ? line.Sender + OperatorMark : line.Sender;
        switch (line.Kind)
        {
            case LineKind.Message when line.Event == "me":
                Write(output, stamp + $"[{sender}]: * {SecureChat.Engine.Chat.SafeText.OneLine(line.RawText[ChatCommand.MePrefix.Length..])}");
                break;
            case LineKind.Message:
                Write(output, stamp + $"[{sender}]: {line.Text}");
                break;
            case LineKind.Notice:
                Write(output, stamp + "[*] " + line.Text);
                break;
            case LineKind.Error:
                Write(error, stamp + "[!] " + line.Text);
                break;
        }
    }

    /// <summary>
    /// Own lines are not printed, so their marks are not either; <c>--json</c> says each acknowledgement as an
    /// <c>ack</c> event with the line's id and text, for a script that wants to know what arrived.
    /// </summary>
    public void Update(ChatLine line)
    {
        if (json && line.Acknowledged)
        {
            Write(output, JsonLine.Format(ChatLine.Of("ack", line.RawText, ChatLine.Field("id", line.Id))));
        }
    }

    public void SetStatus(ChatStatus status)
    {
    }

    /// <summary>Headless mode has no window list: each line names its window instead (a query by its partner's current name).</summary>
    public void OpenWindow(WindowInfo window)
    {
        lock (_gate)
        {
            _titles[window.Key] = window.Title;
        }
    }

    /// <summary>A closed window's title is kept: a line about it may still come (a refusal after /close).</summary>
    public void CloseWindow(string key)
    {
    }

    /// <summary>
    /// What starts a line of window <paramref name="key"/>: nothing for the status window, <c>[#room] </c> for a room,
    /// <c>[@Bob] </c> for a query (a name holds no <c>]</c>, so the prefix ends at the first one).
    /// </summary>
    private string WindowPrefix(string key)
    {
        if (key.Length == 0)
        {
            return string.Empty;
        }

        if (key.StartsWith('#'))
        {
            return $"[{key}] ";
        }

        lock (_gate)
        {
            return $"[@{_titles.GetValueOrDefault(key, key[1..])}] ";
        }
    }

    public void ShowWindow(int number)
    {
    }

    public void Clear()
    {
    }

    public void Quit() => _quitting.TrySetResult();

    /// <summary>Headless mode cannot hold a warning: the run ends, and the warning is printed on standard error.</summary>
    public void Warn(IdentityRefusal refusal) => Quit();

    private void Write(TextWriter writer, string text)
    {
        lock (_gate)
        {
            writer.WriteLine(text);
            writer.Flush();
        }
    }
}
