using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;
using SecureChat.Tui.App;

namespace SecureChat.Tui.Views;

/// <summary>The full screen's words for links and refused input (see <see cref="ChatWords"/>). Thread-safe (pure).</summary>
internal sealed class ScreenWords : ChatWords
{
    public override CommandModes Mode => CommandModes.Screen;

    protected override string OtherWaysToQuit => "or exit, F10, Ctrl+C";

    protected override IEnumerable<string> HelpNotes =>
    [
        "keys: Enter sends; Ctrl+J or Alt+Enter starts a new line in the message; Up/Down recall what you sent; Tab completes a command or a name, Tab again the next match",
        "editing: Ctrl+A/Ctrl+E start/end of the line; Ctrl+U/Ctrl+K cut to the start/end; Ctrl+W or Alt+Backspace cut the word before the cursor, Alt+D the word after; Ctrl+Y puts back the last cut; Alt+B/Alt+F a word back/forward",
        "Ctrl+R searches what you sent (Ctrl+R again: older; Enter takes the line; Esc or Ctrl+G cancels)",
        "windows: Alt+1 to Alt+9 show window 1 to 9, Alt+0 the tenth; Ctrl+N/Ctrl+P the next/previous; a line you type goes to the window shown",
        "PgUp/PgDn or the mouse wheel scroll the messages (PgUp at the oldest line loads older kept lines); F10 or Ctrl+C quits; Esc or Enter dismisses the changed-identity warning (and quits)",
        "Ctrl+Z suspends (fg brings the screen back)",
    ];

    protected override string HowToQuit => "F10";

    public override IEnumerable<ChatLine> Listening(string address) =>
        [ChatLine.Notice($"listening on {address}; waiting for clients (type /help for commands)")];

    public override ChatLine Connecting(string address) => ChatLine.Notice($"connecting to {address}...");

    public override IEnumerable<ChatLine> LinkOpened(PeerInfo link, bool isServer) =>
        isServer ? [ChatLine.Notice($"connection from {StageWords.Address(link.RemoteEndPoint)}: exchanging keys")] : [];

    public override IEnumerable<ChatLine> LinkSecured(PeerInfo link, bool isServer)
    {
        string address = StageWords.Address(link.RemoteEndPoint);
        string who = isServer ? address : $"the server at {address}";
        return [ChatLine.Notice($"secure connection with {who}; key fingerprint {link.Fingerprint}, SAS {link.Sas} (/fingerprint explains how to check it)"), Identity(link)];
    }

    public override ChatLine LinkRekeyed(PeerInfo link) =>
        ChatLine.Notice($"new keys with {link.Name}: fingerprint {link.Fingerprint}, SAS {link.Sas}");

    public override ChatLine LinkFailed(PeerInfo link, SessionFailure failure, bool isServer) =>
        ChatLine.Error((isServer ? $"{link.Name} ({StageWords.Address(link.RemoteEndPoint)}): " : string.Empty) + failure.Message);

    public override ChatLine LinkClosed(PeerInfo link, bool byPeer, bool isServer) => ChatLine.Notice((isServer, byPeer) switch
    {
        (true, true) => $"{link.Name} ({StageWords.Address(link.RemoteEndPoint)}) disconnected",
        (true, false) => $"closed the connection with {link.Name}",
        (false, true) => "the server closed the connection",
        (false, false) => "disconnected",
    });

    public override ChatLine NobodyToSendTo(bool isServer) =>
        ChatLine.Error(isServer ? "not sent: no client is connected yet" : "not sent: the connection is not secure yet");

    public override ChatLine TooLong() => ChatLine.Error($"not sent: a message is at most {ChatOptions.MaxMessageBytes} bytes");

    public override ChatLine NotSent(string reason) => ChatLine.Error("not sent: " + reason);
}
