namespace SecureChat.Tui.App;

/// <summary>The handlers of the commands that <see cref="ChatCommands"/> does not find elsewhere in the model.</summary>
internal sealed partial class ChatModel
{
    /// <summary><c>/help</c>: the commands of this role and mode, from the table, in this mode's words.</summary>
    internal void ShowHelp(string? window) => SayAll(_words.Help(IsServer).Select(ChatLine.Notice), window);

    internal void Rekey() => Tell(_words.RekeyStarted(_endpoint.RequestRekey()));

    internal void ShowOwnIdentity(string? window) => Say(_words.OwnIdentity(OwnIdentity, IdentityFile), window);

    internal void ClearPane() => Locked(_view.Clear);

    internal void Quit() => Locked(_view.Quit);

    /// <summary>Shows a command's answer, line by line, in the window it was typed in.</summary>
    private void SayAll(IEnumerable<ChatLine> lines, string? window) => Locked(() =>
    {
        string here = Here(window);
        foreach (ChatLine line in lines)
        {
            _view.Show(line with { Window = here });
        }
    });

    /// <summary>A command used the wrong way: <paramref name="usage"/> says how to use it, in the window it was typed in.</summary>
    internal Task Refuse(string usage, string? window)
    {
        Say(ChatLine.Error(usage), window);
        return Task.CompletedTask;
    }
}
