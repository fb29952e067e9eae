using SecureChat.Tui.App;

namespace SecureChat.Tui.Tests.Support;

/// <summary>An <see cref="IChatView"/> that remembers everything it was told, in order. Thread-safe.</summary>
internal sealed class RecordingView : IChatView
{
    private readonly object _gate = new();
    private readonly List<ChatLine> _lines = [];
    private readonly List<ChatStatus> _statuses = [];

    public int Quits { get; private set; }

    /// <summary>The changed-identity warnings the model asked for.</summary>
    public List<IdentityRefusal> Warnings { get; } = [];

    public IReadOnlyList<ChatLine> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    public IReadOnlyList<ChatStatus> Statuses
    {
        get
        {
            lock (_gate)
            {
                return [.. _statuses];
            }
        }
    }

    public void Show(ChatLine line)
    {
        lock (_gate)
        {
            _lines.Add(line);
        }
    }

    /// <summary>Every line the model updated (marked), in order.</summary>
    public IReadOnlyList<ChatLine> Updates
    {
        get
        {
            lock (_gate)
            {
                return [.. _updates];
            }
        }
    }

    private readonly List<ChatLine> _updates = [];

    public void Update(ChatLine line)
    {
        lock (_gate)
        {
            _updates.Add(line);
        }
    }

    public void SetStatus(ChatStatus status)
    {
        lock (_gate)
        {
            _statuses.Add(status);
        }
    }

    /// <summary>How many times the model cleared the view.</summary>
    public int Clears { get; private set; }

    /// <summary>Every window the model opened (or retitled), and every key it closed, in order ("-" and the key for a close).</summary>
    public IReadOnlyList<string> WindowEvents
    {
        get
        {
            lock (_gate)
            {
                return [.. _windowEvents];
            }
        }
    }

    /// <summary>The last <see cref="WindowInfo"/> the model gave for each key still open.</summary>
    public IReadOnlyDictionary<string, WindowInfo> OpenWindows
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, WindowInfo>(_open);
            }
        }
    }

    private readonly List<string> _windowEvents = [];
    private readonly Dictionary<string, WindowInfo> _open = [];

    public void OpenWindow(WindowInfo window)
    {
        lock (_gate)
        {
            _windowEvents.Add(window.Key);
            _open[window.Key] = window;
        }
    }

    public void CloseWindow(string key)
    {
        lock (_gate)
        {
            _windowEvents.Add("-" + key);
            _open.Remove(key);
        }
    }

    /// <summary>The window numbers the model asked to show (<c>/window N</c>), in order.</summary>
    public List<int> Shown { get; } = [];

    public void ShowWindow(int number)
    {
        lock (Shown)
        {
            Shown.Add(number);
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            Clears++;
            _lines.Clear();
        }
    }

    public void Quit()
    {
        lock (_gate)
        {
            Quits++;
        }
    }

    public void Warn(IdentityRefusal refusal)
    {
        lock (_gate)
        {
            Warnings.Add(refusal);
        }
    }

    /// <summary>Waits until a line satisfies <paramref name="condition"/>; fails with every line if none does in time.</summary>
    public ChatLine WaitForLine(Func<ChatLine, bool> condition, TimeSpan timeout, string what)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (Lines.FirstOrDefault(condition) is { } line)
            {
                return line;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new ShouldAssertException($"{what} was not shown within {timeout.TotalSeconds}s. Lines:\n{string.Join('\n', Lines.Select(l => $"{l.Kind} {l.Sender}: {l.Text}"))}");
            }

            Thread.Sleep(20);
        }
    }
}
