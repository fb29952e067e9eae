using System.Collections.Concurrent;
using SecureChat.Tui.App;

namespace SecureChat.Tui.Views;

/// <summary>
/// The model's output on the <see cref="ChatWindow"/>: each line goes to its window's pane, windows open, close and are
/// shown as the model says, and <see cref="Clear"/> empties the window shown. Calls come from network threads and the UI thread; each is
/// queued and applied on the UI thread through <c>post</c> (in the app, <c>IApplication.Invoke</c>), at most
/// <see cref="BatchLimit"/> per callback, so a flood of messages costs one UI callback per batch, not one per
/// message, and typing stays responsive between batches. The status bar is set once per batch, to the last status
/// of that batch. A changed identity's warning (<see cref="IdentityWarning"/>) is shown after the batch that asked
/// for it, once its status is on the bar, and takes every key until dismissed; then the run ends. After
/// <see cref="Detach"/> nothing more is posted, which lets the app be disposed safely. Thread-safe.
/// </summary>
internal sealed class ScreenView(ChatWindow window, Action<Action> post, Action quit) : IChatView
{
    /// <summary>Most updates applied per UI callback; the rest wait for the next one so typing stays responsive.</summary>
    public const int BatchLimit = 500;

    private readonly ConcurrentQueue<Action> _updates = new();
    private readonly object _gate = new();
    private bool _detached;
    private int _scheduled;

    /// <summary>UI thread only: the last status of the batch being applied.</summary>
    private ChatStatus? _status;

    /// <summary>UI thread only: a warning to show once the batch being applied is on the screen.</summary>
    private IdentityRefusal? _warning;

    public void Show(ChatLine line) => Enqueue(() => window.Append(line));

    public void Update(ChatLine line) => Enqueue(() => window.Windows.Update(line));

    public void SetStatus(ChatStatus status) => Enqueue(() => _status = status);

    public void OpenWindow(WindowInfo info) => Enqueue(() => window.OpenWindow(info));

    public void CloseWindow(string key) => Enqueue(() => window.CloseWindow(key));

    public void ShowWindow(int number) => Enqueue(() => window.ShowWindow(number));

    public void Clear() => Enqueue(() => window.Pane.Clear()); // the pane shown when the update runs

    public void Quit() => Enqueue(quit);

    public void Warn(IdentityRefusal refusal) => Enqueue(() => _warning = refusal);

    /// <summary>Stops posting to the UI. Call after the model is detached and before the app is disposed.</summary>
    public void Detach()
    {
        lock (_gate)
        {
            _detached = true;
        }
    }

    private void Enqueue(Action update)
    {
        _updates.Enqueue(update);
        Schedule();
    }

    private void Schedule()
    {
        lock (_gate)
        {
            if (_detached || Interlocked.CompareExchange(ref _scheduled, 1, 0) != 0)
            {
                return;
            }

            post(Drain);
        }
    }

    private void Drain()
    {
        for (int i = 0; i < BatchLimit && _updates.TryDequeue(out Action? update); i++)
        {
            update();
        }

        if (_status is { } status)
        {
            window.SetStatus(status);
            _status = null;
        }

        Volatile.Write(ref _scheduled, 0);
        if (!_updates.IsEmpty)
        {
            Schedule();
        }

        if (_warning is { } warning)
        {
            _warning = null;
            window.Warn(warning, quit);
        }
    }
}
