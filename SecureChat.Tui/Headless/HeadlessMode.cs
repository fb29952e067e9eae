using SecureChat.Tui.App;

namespace SecureChat.Tui.Headless;

/// <summary>
/// <c>--headless</c>: no full screen. Lines read from standard input are typed lines, messages and commands alike;
/// everything said is one flushed line (<see cref="ConsoleView"/>, <see cref="ClassicWords"/>), text or JSON. The chat ends on
/// <c>exit</c> or <c>/quit</c>, on SIGTERM, SIGHUP or SIGINT, when a client's input ends or its link ends (a
/// server goes on serving at the end of its input). Used from the main thread.
/// </summary>
internal sealed class HeadlessMode(TextReader input, TextWriter output, TextWriter error, bool timestamps = false, bool json = false) : IChatMode
{
    /// <summary>
    /// How long a client whose link ended goes on reading piped input, to count the lines that will not be sent,
    /// before it exits anyway (a producer that never stops must not keep it alive).
    /// </summary>
    public static readonly TimeSpan CountLimit = TimeSpan.FromSeconds(1);

    private readonly ConsoleView _view = new(output, error, timestamps, json);

    public ChatWords Words { get; } = new ClassicWords();

    /// <summary>A script's lines after the link ended are counted, and the count is said once, not each line refused.</summary>
    public bool HoldsLinesAfterEnd => true;

    public IChatView Open(bool isServer, string address, string name) => _view;

    public void Run(Task<ChatModel?> started, Task connecting)
    {
        if (started.Result is not { } model)
        {
            return;
        }

        // No line is read before a client's connection is secure (or failed): a script that pipes its lines in at
        // once has them sent, not refused.
        connecting.Wait();
        if (_view.Quitting.IsCompleted)
        {
            return;
        }

        // Reading cannot be cancelled, so it runs on its own (background) thread and we wait for whatever ends first.
        Task lines = Task.Run(async () =>
        {
            while (!_view.Quitting.IsCompleted && await input.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                await model.EnterAsync(line).ConfigureAwait(false);
            }
        });
        Task.WaitAny(lines, _view.Quitting, model.Completion);
        if (lines.IsCompleted && model.IsServer)
        {
            // A server keeps serving at the end of its input (</dev/null, started in the background) until
            // SIGTERM or an exit line; a client leaves.
            Task.WaitAny(_view.Quitting, model.Completion);
        }

        if (!model.IsServer && model.Ended is { } ended && !_view.Quitting.IsCompleted)
        {
            ReportUnsent(model, lines, ended);
        }

        // Lines still waiting for a connection that did not come back (--reconnect) were not sent either.
        foreach (ChatLine line in model.TakePendingReport())
        {
            _view.Show(line);
        }
    }

    /// <summary>
    /// A client's link ended with input still coming: reads piped input to its end (for at most
    /// <see cref="CountLimit"/>), then says once how many lines were not sent.
    /// </summary>
    private void ReportUnsent(ChatModel model, Task lines, string ended)
    {
        if (Console.IsInputRedirected)
        {
            lines.Wait(CountLimit);
        }

        IReadOnlyList<string> unsent = model.Unsent;
        if (unsent.Count > 0)
        {
            _view.Show(Words.UnsentAtEnd(unsent, ended, inputLeft: !lines.IsCompleted));
        }
    }

    public void Close()
    {
        if (!Console.IsInputRedirected)
        {
            // Typed at a terminal: .NET's console may have switched its keypad modes.
            Views.TerminalModes.Restore();
        }
    }

    public void ReportFailure(string reason) => _view.Show(ChatLine.Error(reason));

    public void ReportLost(string reason)
    {
        // Already said as an [!] line when it happened.
    }

    public void ReportClosed()
    {
    }
}
