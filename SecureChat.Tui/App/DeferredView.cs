namespace SecureChat.Tui.App;

/// <summary>
/// A view that keeps what the model says until the real view exists, then hands it over in order and passes
/// everything after straight through. It lets a client start connecting before the full screen opens, so a
/// connection that fails at once is reported without flashing the screen, and nothing said meanwhile is lost.
/// Thread-safe.
/// </summary>
internal sealed class DeferredView : IChatView
{
    private readonly object _gate = new();
    private readonly List<Action<IChatView>> _pending = [];
    private IChatView? _target;

    /// <summary>Replays what was said so far to <paramref name="target"/>, then forwards to it.</summary>
    public void Attach(IChatView target)
    {
        lock (_gate)
        {
            foreach (Action<IChatView> call in _pending)
            {
                call(target);
            }

            _pending.Clear();
            _target = target;
        }
    }

    public void Show(ChatLine line) => Forward(v => v.Show(line));

    public void Update(ChatLine line) => Forward(v => v.Update(line));

    public void SetStatus(ChatStatus status) => Forward(v => v.SetStatus(status));

    public void OpenWindow(WindowInfo window) => Forward(v => v.OpenWindow(window));

    public void CloseWindow(string key) => Forward(v => v.CloseWindow(key));

    public void ShowWindow(int number) => Forward(v => v.ShowWindow(number));

    public void Clear() => Forward(v => v.Clear());

    public void Quit() => Forward(v => v.Quit());

    public void Warn(IdentityRefusal refusal) => Forward(v => v.Warn(refusal));

    private void Forward(Action<IChatView> call)
    {
        lock (_gate)
        {
            if (_target is { } target)
            {
                call(target);
            }
            else
            {
                _pending.Add(call);
            }
        }
    }
}
