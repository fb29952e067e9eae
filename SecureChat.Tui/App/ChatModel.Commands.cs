namespace SecureChat.Tui.App;

/// <summary>The handlers of the commands that <see cref="ChatCommands"/> does not find elsewhere in the model.</summary>
internal sealed partial class ChatModel
{
    /// <summary><c>/help</c>: the commands of this role and mode, from the table, in this mode's words.</summary>
    internal void ShowHelp() => Tell(_words.Help(IsServer).Select(ChatLine.Notice));

    internal void Rekey() => Tell(_words.RekeyStarted(_endpoint.RequestRekey()));

    internal void ShowOwnIdentity() => Tell(_words.OwnIdentity(OwnIdentity, IdentityFile));

    internal void ClearPane() => Locked(_view.Clear);

    internal void Quit() => Locked(_view.Quit);

    /// <summary>A command used the wrong way: <paramref name="usage"/> says how to use it, in the window it was typed in.</summary>
    internal Task Refuse(string usage, string? window)
    {
        Say(ChatLine.Error(usage), window);
        return Task.CompletedTask;
    }
}
