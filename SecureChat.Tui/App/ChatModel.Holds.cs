using SecureChat.Engine.Chat;

namespace SecureChat.Tui.App;

/// <summary>
/// Messages held while a member name comes with another identity than the one pinned (the <c>members</c> file):
/// the user's messages to every room and conversation where that identity is wait, each said in one line, until
/// <c>/accept NAME</c> (or <c>/verify NAME</c>) pins it; then they go out in the order typed. A message to a window
/// that already has held messages waits too, so the order is kept.
/// </summary>
internal sealed partial class ChatModel
{
    /// <summary>The changed names not accepted yet, by name key: the name as shown and its new identity (the lock guards it).</summary>
    private readonly Dictionary<string, (string Name, string Identity)> _changed = new(StringComparer.Ordinal);

    /// <summary>The messages held, in the order typed, with the window each is for (the lock guards it).</summary>
    private readonly List<(string Text, string Window)> _held = [];

    /// <summary>Held messages on their way out after <c>/accept</c>, in order; one typed meanwhile for the same window queues behind them (the lock guards it).</summary>
    private readonly Queue<(string Text, string Window)> _releasing = new();

    /// <summary><c>/accept NAME</c>: pins the identity NAME now comes with, and sends the messages held for it.</summary>
    internal void AcceptMember(ChatCommand.Run c)
    {
        string name = c.Argument.Trim();
        if (name.Length == 0)
        {
            Say(ChatLine.Error(c.Command.UsageLine("after NAME's identity changed, for example: /accept Bob")), c.Window);
            return;
        }

        Locked(() =>
        {
            string here = Here(c.Window);
            if (!_changed.TryGetValue(NameRules.Key(name), out var changed) || !_digests.TryGetValue(changed.Identity, out byte[]? digest))
            {
                _view.Show(_words.NotChanged(SafeText.Name(name)) with { Window = here });
                return;
            }

            if (!Pin(changed.Name, digest, verified: false, here))
            {
                return;
            }

            SetMemberTrust(changed.Identity, changed.Name, Engine.Session.Trust.TrustState.Known);
            int released = Accepted(changed.Name, announce: false);
            _view.Show(_words.MemberAccepted(changed.Name, changed.Identity, released) with { Window = here });
        });
    }

    /// <summary>Under the lock: a name came with another identity; the loud line, and the status bar says so until accepted.</summary>
    private void Changed(string name, string identity, string pinned)
    {
        _changed[NameRules.Key(name)] = (name, identity);
        _view.Show(_words.MemberChanged(name, identity, pinned));
        _view.SetStatus(Status());
    }

    /// <summary>
    /// Under the lock: the name's identity was pinned; the held messages no changed identity still stops go out, in
    /// order (sent after the lock is let go). Returns how many.
    /// </summary>
    private int Accepted(string name, bool announce = true)
    {
        if (!_changed.Remove(NameRules.Key(name), out var changed))
        {
            return 0;
        }

        _view.SetStatus(Status());
        List<(string Text, string Window)> release = [];
        HashSet<string> stillHeld = new(StringComparer.Ordinal);
        foreach ((string text, string window) in _held)
        {
            if (stillHeld.Contains(window) || HeldBy(window).Count > 0)
            {
                stillHeld.Add(window);
            }
            else
            {
                release.Add((text, window));
            }
        }

        _held.RemoveAll(h => !stillHeld.Contains(h.Window));
        if (release.Count > 0)
        {
            if (announce)
            {
                _view.Show(_words.MemberAccepted(name, changed.Identity, release.Count));
            }

            bool running = _releasing.Count > 0;
            foreach ((string, string) message in release)
            {
                _releasing.Enqueue(message);
            }

            if (!running)
            {
                _ = Task.Run(ReleaseAsync);
            }
        }

        return release.Count;
    }

    /// <summary>Sends the released messages one after the other, until none is left (a line typed meanwhile included).</summary>
    private async Task ReleaseAsync()
    {
        while (true)
        {
            (string Text, string Window) next = default;
            bool any = false;
            lock (_gate)
            {
                any = _releasing.TryPeek(out next);
            }

            if (!any)
            {
                return;
            }

            await SendAsync(next.Text, next.Window, released: true).ConfigureAwait(false);
            lock (_gate)
            {
                _releasing.Dequeue();
            }
        }
    }

    /// <summary>Under the lock: the changed names that hold messages to this window (a room's members, or a conversation's partner).</summary>
    private List<string> HeldBy(string window)
    {
        if (_changed.Count == 0)
        {
            return [];
        }

        HashSet<string?> identities = window.StartsWith('#')
            ? [.. _windows.Room(window)?.Members.Select(m => m.Identity) ?? []]
            : _windows.Window(window) is { Kind: WindowKind.Query, Identity: { } partner } ? [partner] : [];
        return [.. _changed.Values.Where(c => identities.Contains(c.Identity)).Select(c => c.Name)];
    }

    /// <summary>A message the user typed waits when a changed identity is where it goes (or earlier ones wait there). True when held.</summary>
    private bool HoldForChange(string text, string window)
    {
        bool held = false;
        Locked(() =>
        {
            if (_releasing.Any(r => r.Window == window))
            {
                _releasing.Enqueue((text, window)); // behind the held ones now going out
                held = true;
                return;
            }

            List<string> names = HeldBy(window);
            if (names.Count == 0)
            {
                names = [.. _held.Any(h => h.Window == window) ? _changed.Values.Select(c => c.Name) : []];
                if (names.Count == 0)
                {
                    return;
                }
            }

            _held.Add((text, window));
            _view.Show(_words.Held(names, text) with { Window = window });
            held = true;
        });
        return held;
    }

    /// <summary>Under the lock, at the end of the run: the report of the messages still held (none were sent), which are forgotten.</summary>
    private IEnumerable<ChatLine> TakeHeldReport()
    {
        if (_held.Count == 0)
        {
            return [];
        }

        List<string> texts = [.. _held.Select(h => h.Text)];
        _held.Clear();
        return _words.HeldAtQuit(texts);
    }

    /// <summary>What the status bar adds while changed identities are not accepted (under the lock); null when none.</summary>
    private string? ChangedAlert() =>
        _changed.Count == 0 ? null : ChatWords.ChangedAlert([.. _changed.Values.Select(c => c.Name).Order(StringComparer.OrdinalIgnoreCase)]);
}
