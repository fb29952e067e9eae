using SecureChat.Tui.App;

namespace SecureChat.Tui.Headless;

/// <summary>
/// Headless output, one flushed line per thing said, as the classic command-line chat printed it: <c>[name]: text</c>
/// for a message, <c>[*] text</c> for a notice, and <c>[!] text</c> on standard error for an error; a newline
/// or other control character in them arrives already made a visible escape (every <see cref="ChatLine"/> is made safe
/// by <see cref="SecureChat.Engine.Chat.SafeText"/>), never as a line break. What this side
/// sends is not echoed; there is no status bar and nothing to clear. Thread-safe (lines are written under a lock).
/// </summary>
internal sealed class ConsoleView(TextWriter output, TextWriter error, bool timestamps = false) : IChatView
{
    /// <summary>"12:34 " before each line with <c>--timestamps</c> (local time), else nothing.</summary>
    private string Stamp(ChatLine line) =>
        timestamps ? line.Time.ToLocalTime().ToString("HH:mm ", System.Globalization.CultureInfo.InvariantCulture) : string.Empty;

    private readonly object _gate = new();
    private readonly TaskCompletionSource _quitting = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the model (or a failed connection) asked to quit.</summary>
    public Task Quitting => _quitting.Task;

    public void Show(ChatLine line)
    {
        switch (line.Kind)
        {
            case LineKind.Message when line.Text.StartsWith(ChatCommand.MePrefix, StringComparison.Ordinal):
                Write(output, Stamp(line) + $"* {line.Sender} {line.Text[ChatCommand.MePrefix.Length..]}");
                break;
            case LineKind.Message:
                Write(output, Stamp(line) + $"[{line.Sender}]: {line.Text}");
                break;
            case LineKind.Notice:
                Write(output, Stamp(line) + "[*] " + line.Text);
                break;
            case LineKind.Error:
                Write(error, Stamp(line) + "[!] " + line.Text);
                break;
        }
    }

    public void SetStatus(ChatStatus status)
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
