using SecureChat.Engine.Chat;

namespace SecureChat.Tui.App;

/// <summary>
/// <c>/away</c>, <c>/ignore</c> and <c>/window</c>: what the user says about themselves and whom they do not want to
/// read. Away is this side's own state (the hub is not told): while away, every message that names the user and every
/// direct message is kept, and coming back lists them.
/// </summary>
internal sealed partial class ChatModel
{
    internal void Away(ChatCommand.Run c)
    {
        string message = c.Argument;
        Locked(() =>
        {
            if (message.Length > 0)
            {
                _awayMessage = message;
                _awayLog ??= [];
                _view.Show(_words.Away(message) with { Window = Here(c.Window) });
                return;
            }

            List<ChatLine> log = _awayLog ?? [];
            _awayLog = null;
            _awayMessage = null;
            _view.Show(_words.Back(log.Count) with { Window = Here(c.Window) });
            foreach (ChatLine line in log)
            {
                _view.Show(line with { Window = Here(c.Window), Repeats = true, Mention = false });
            }
        });
    }

    /// <summary><c>/window N</c>: the full screen switches; headless mode has no windows to switch.</summary>
    internal void SwitchWindow(ChatCommand.Run c)
    {
        if (_words.Mode == CommandModes.Headless)
        {
            Say(_words.WindowSwitchHeadless(), c.Window);
            return;
        }

        if (!int.TryParse(c.Argument, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) || n < 1)
        {
            Say(ChatLine.Error(c.Command.UsageLine("1 is the status window, then the windows in the order they opened")), c.Window);
            return;
        }

        Locked(() => _view.ShowWindow(n)); // the screen says when there is no window n
    }

    /// <summary><c>/ignore [NAME]</c>: hides someone's room and direct messages by identity; with no name, lists whom.</summary>
    internal void Ignore(ChatCommand.Run c)
    {
        string name = c.Argument.Trim();
        Locked(() =>
        {
            if (name.Length == 0)
            {
                _view.Show(_words.IgnoreList([.. _ignored.Order(StringComparer.Ordinal).Select(i => _windows.NameOf(i) is { } n ? $"{n} ({i})" : i)]) with { Window = Here(c.Window) });
                return;
            }

            if (IdentityNamed(name) is not { } identity)
            {
                _view.Show(_words.NoSuchPerson(SafeText.Name(name)) with { Window = Here(c.Window) });
                return;
            }

            _ignored.Add(identity);
            IgnoredChanged();
            _view.Show(_words.Ignored(_windows.NameOf(identity) ?? SafeText.Name(name), identity) with { Window = Here(c.Window) });
        });
    }

    internal void Unignore(ChatCommand.Run c)
    {
        string name = c.Argument.Trim();
        if (name.Length == 0)
        {
            Say(ChatLine.Error(c.Command.UsageLine("/ignore lists whom you ignore")), c.Window);
            return;
        }

        Locked(() =>
        {
            string? identity = IdentityNamed(name);
            if (identity is null || !_ignored.Remove(identity))
            {
                _view.Show(ChatLine.Error($"you do not ignore {SafeText.Name(name)} (/ignore lists whom you do)") with { Window = Here(c.Window) });
                return;
            }

            IgnoredChanged();
            _view.Show(_words.Unignored(_windows.NameOf(identity) ?? SafeText.Name(name), identity) with { Window = Here(c.Window) });
        });
    }

    /// <summary>The identity a name (or a typed fingerprint) stands for: someone known by name, else a fingerprint as shown. Under the lock.</summary>
    private string? IdentityNamed(string name)
    {
        if (_windows.IdentityOf(name) is { } identity || (_members.TryGetValue(name, out identity) && identity is not null))
        {
            return identity;
        }

        string hex = string.Concat(name.Where(ch => !char.IsWhiteSpace(ch))).ToUpperInvariant();
        return hex.Length == 32 && hex.All(char.IsAsciiHexDigit)
            ? string.Join(' ', Enumerable.Range(0, 8).Select(i => hex.Substring(i * 4, 4)))
            : _ignored.FirstOrDefault(i => _windows.NameOf(i) is { } n && NameRules.AreConfusable(n, name));
    }
}
