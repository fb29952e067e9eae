using SecureChat.Engine.Chat;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;
using SecureChat.Engine.Session.Trust;

namespace SecureChat.Tui.App;

/// <summary>
/// What the chat says. The model decides when something is said; this says it. Most words are the same in both
/// modes; those that announce links and refuse input keep each mode's own wording (the full screen's sentences,
/// and headless mode's classic command-line lines, which scripts read), so they are abstract. Thread-safe (pure).
/// </summary>
internal abstract partial class ChatWords
{
    // ---- in each mode's own words ----

    /// <summary>The mode whose commands <see cref="Help"/> lists.</summary>
    public abstract CommandModes Mode { get; }

    /// <summary>The other ways to leave in this mode, as the commands line of help says them: "or type exit".</summary>
    protected abstract string OtherWaysToQuit { get; }

    /// <summary>What help says after the commands (the full screen: its keys).</summary>
    protected virtual IEnumerable<string> HelpNotes => [];

    /// <summary>How to leave, as the advice after <c>/fingerprint</c> says it.</summary>
    protected abstract string HowToQuit { get; }

    /// <summary>A server is listening at <paramref name="address"/>.</summary>
    public abstract IEnumerable<ChatLine> Listening(string address);

    /// <summary>A client starts connecting to <paramref name="address"/>.</summary>
    public abstract ChatLine Connecting(string address);

    /// <summary>A link's TCP connection is up (a server's new client; a client's server answered). May say nothing.</summary>
    public abstract IEnumerable<ChatLine> LinkOpened(PeerInfo link, bool isServer);

    /// <summary>A link's keys are confirmed; the snapshot has its fingerprint and SAS.</summary>
    public abstract IEnumerable<ChatLine> LinkSecured(PeerInfo link, bool isServer);

    public abstract ChatLine LinkRekeyed(PeerInfo link);

    public abstract ChatLine LinkFailed(PeerInfo link, SessionFailure failure, bool isServer);

    public abstract ChatLine LinkClosed(PeerInfo link, bool byPeer, bool isServer);

    /// <summary>A message was typed while no link is secure.</summary>
    public abstract ChatLine NobodyToSendTo(bool isServer);

    /// <summary>A message was typed that does not fit in one chat message.</summary>
    public abstract ChatLine TooLong();

    /// <summary>The engine refused a message (for example: the connection closed meanwhile).</summary>
    public abstract ChatLine NotSent(string reason);

    // ---- the same in both modes ----

    /// <summary>
    /// Help: the commands this role has in this mode, from the command table (<see cref="ChatCommands"/>), first on
    /// one line, then one line each, then this mode's notes.
    /// </summary>
    public IReadOnlyList<string> Help(bool isServer)
    {
        CommandEntry[] commands = [.. ChatCommands.For(isServer, Mode)];
        string names = string.Join("  ", commands.Select(c => string.Join(" or ", c.Aliases.Prepend(c.Synopsis))));
        return
        [
            $"commands: {names} ({OtherWaysToQuit})",
            .. commands.Select(c => $"{string.Join(", ", c.Aliases.Prepend(c.Synopsis))}: {c.Help}"),
            "a line that starts with // is sent as a message, with one / removed",
            .. HelpNotes,
        ];
    }

    /// <summary>A message someone sent; <paramref name="fromOperator"/> on a client when the operator wrote it (not relayed).</summary>
    public ChatLine Message(ChatMessage message, bool fromOperator) => new(LineKind.Message, message.Text, message.Sender, message.ReceivedAt)
    {
        Event = message.Text.StartsWith(ChatCommand.MePrefix, StringComparison.Ordinal) ? "me" : "message",
        Fields = [ChatLine.Field("identity", message.SenderIdentity), ChatLine.Field("operator", fromOperator)],
        FromOperator = fromOperator,
    };

    public ChatLine Own(string name, string text) => new(LineKind.Own, text, name, DateTimeOffset.Now);

    public ChatLine Presence(PresenceNotice notice) => ChatLine.Notice(notice.Kind switch
    {
        PresenceKind.Joined when notice.Operator => $"{notice.Name} is the server's operator",
        PresenceKind.Joined => $"{notice.Name} joined",
        PresenceKind.Left => $"{notice.Name} left",
        PresenceKind.Renamed => $"{notice.Name} is now known as {notice.NewName}",
        PresenceKind.Member => $"{notice.Name} is here",
        PresenceKind.Away => $"{notice.Name} is away",
        PresenceKind.Back => $"{notice.Name} is back",
        PresenceKind.Refused => $"name not changed: names changed too fast for this server, try again in a few seconds; you are still {notice.Name}",
        _ => $"{notice.Name}: {notice.Kind}",
    }) with
    {
        Event = notice.Kind switch
        {
            PresenceKind.Joined when notice.Operator => "operator",
            PresenceKind.Joined => "join",
            PresenceKind.Left => "leave",
            PresenceKind.Renamed => "rename",
            PresenceKind.Away => "away",
            PresenceKind.Back => "back",
            _ => "member",
        },
        Fields = notice.Kind == PresenceKind.Renamed
            ? [ChatLine.Field("from", notice.Name), ChatLine.Field("to", notice.NewName), ChatLine.Field("identity", notice.Identity)]
            : [ChatLine.Field("from", notice.Name), ChatLine.Field("identity", notice.Identity)],
    };

    /// <summary>The peer's Close said it received fewer of our messages than we sent (PROTOCOL.md, Close).</summary>
    public ChatLine MessagesLost(PeerInfo link, int count, bool isServer) => ChatLine.Error(
        $"{count.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} {(count == 1 ? "message" : "messages")} you sent {(isServer ? "to " + link.Name : "to the server")} did not arrive: the connection ended before {(isServer ? "they" : "it")} received {(count == 1 ? "it" : "them")}") with
    {
        Event = "lost",
        Fields = [ChatLine.Field("to", link.Name), ChatLine.Field("count", count)],
    };

    /// <summary>
    /// A client's link ended without the server's Close: the messages sent since the server was last heard from,
    /// which nothing shows to have arrived. The first line says so and carries them (<c>--json</c>: event
    /// <c>unconfirmed</c>); one line follows for each, by its text.
    /// </summary>
    public IEnumerable<ChatLine> Unconfirmed(IReadOnlyList<string> lines)
    {
        string count = lines.Count.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
        yield return ChatLine.Error(
            $"{count} {(lines.Count == 1 ? "message" : "messages")} you sent may not have arrived: the server was not heard from after {(lines.Count == 1 ? "it was" : "they were")} sent, and the connection ended without its goodbye") with
        {
            Event = "unconfirmed",
            Fields = [ChatLine.Field("count", lines.Count), ChatLine.Field("lines", lines)],
        };
        foreach (string line in lines.Take(UnconfirmedShownMax))
        {
            yield return ChatLine.Error("  may not have arrived: " + line) with { Event = "unconfirmed", Repeats = true };
        }

        // A fast producer can leave a thousand lines in the last silence: the first ones say what was lost, and the
        // rest would bury the reason the link ended (--json carries every one in the event above).
        if (lines.Count > UnconfirmedShownMax)
        {
            string more = (lines.Count - UnconfirmedShownMax).ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
            yield return ChatLine.Error($"  ... and {more} more (--json lists every one)") with { Event = "unconfirmed", Repeats = true };
        }
    }

    /// <summary>The most messages <see cref="Unconfirmed"/> names one line each; a count stands for the rest.</summary>
    public const int UnconfirmedShownMax = 20;

    /// <summary>A handler of the hub operator's event <paramref name="name"/> threw; the hub went on.</summary>
    public ChatLine HandlerFaulted(string name, Exception error) =>
        ChatLine.Error($"an event handler failed on {name}: {error.Message} (the hub goes on)") with
        {
            Event = "handler_faulted",
            Fields = [ChatLine.Field("event", name), ChatLine.Field("message", error.Message)],
        };

    public ChatLine Renamed(string name) => ChatLine.Of("name", $"you are now known as {name}", ChatLine.Field("name", name));

    /// <summary><c>/nick</c> after a client's link ended.</summary>
    public ChatLine NickAfterEnd(string ended) => ChatLine.Error($"name not changed: {ended}");

    public ChatLine NickRefused(string problem) => ChatLine.Error($"name not changed: {problem} (usage: /nick NAME)");

    public ChatLine NameAssigned(string name) => ChatLine.Of(
        "name", $"the server named you {name}: the name you asked for is taken, looks like one in use, or is not allowed", ChatLine.Field("name", name));

    public ChatLine NickUsage() => ChatLine.Error($"usage: /nick NAME (1 to {NameRules.NameMax} bytes)");

    public ChatLine RekeyStarted(int links) =>
        links > 0 ? ChatLine.Notice($"rekey started on {links} link(s)") : ChatLine.Error("no secure link to rekey");

    public ChatLine UnknownCommand(string name) => ChatLine.Error($"unknown command {name}; type /help");

    /// <summary><c>/identity</c>: this side's identity fingerprint, which peers see and compare.</summary>
    public ChatLine OwnIdentity(string? fingerprint, string? file) => fingerprint is null
        ? ChatLine.Error("no identity: this side has no identity key")
        : ChatLine.Of(
            "you",
            $"your identity: {fingerprint}{(file is null ? string.Empty : $" (kept in {file})")}; a peer that compares it with the one it was shown knows it is you",
            ChatLine.Field("identity", fingerprint),
            ChatLine.Field("file", file));

    /// <summary>Server: a client closed its connection during the handshake without a word (no failure of this side's).</summary>
    public ChatLine LeftDuringHandshake(PeerInfo link) => ChatLine.Of(
        "abandoned",
        $"{StageWords.Address(link.RemoteEndPoint)} left during the handshake without a word; a client that does not recognise this server's identity leaves so (/identity shows it, to read to them)",
        ChatLine.Field("address", StageWords.Address(link.RemoteEndPoint)));

    public ChatLine NothingToCompare() => ChatLine.Error("no secure link yet: nothing to compare");

    /// <summary>A client asked for a proof of work connects again with its solution.</summary>
    public ChatLine ConnectingWithSolution(string address) => ChatLine.Of(
        "stage",
        $"the server is under load and asked for a proof of work: solved; connecting again to {address} with it",
        ChatLine.Field("stage", "connecting"),
        ChatLine.Field("address", address));

    /// <summary>Server: a message typed when every client has left.</summary>
    public ChatLine EveryoneLeft() => ChatLine.Error("message not sent: no client is connected any more (all have left)");

    /// <summary>A client's link has ended (<paramref name="ended"/>: what happened).</summary>
    public ChatLine NothingToCompare(string ended) => ChatLine.Error($"nothing to compare: {ended}");

    /// <summary><c>/verify</c> after a client's link ended.</summary>
    public ChatLine NothingToVerify(string ended) => ChatLine.Error($"nothing to verify: {ended}");

    /// <summary>A message typed after a client's link ended.</summary>
    public ChatLine NotSentAfterEnd(string ended) => ChatLine.Error($"not sent: {ended}");

    /// <summary>Once, at the end: how many lines typed (or piped in) after a client's link ended were not sent.</summary>
    public ChatLine UnsentAtEnd(IReadOnlyList<string> lines, string ended, bool inputLeft) => ChatLine.Error(
        $"{lines.Count.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} {(lines.Count == 1 ? "line of input was" : "lines of input were")} not sent: {ended}" +
        (inputLeft ? "; the rest of the input was not read" : string.Empty)) with
    {
        Event = "unsent",
        Fields = [ChatLine.Field("count", lines.Count), ChatLine.Field("lines", lines), ChatLine.Field("input_left", inputLeft)],
    };

    /// <summary>A link's values, each on a line of its own so it can be selected and copied alone.</summary>
    public IEnumerable<ChatLine> Fingerprint(PeerInfo link) =>
    [
        ChatLine.Notice($"{link.Name} ({StageWords.Address(link.RemoteEndPoint)}):"),
        ChatLine.Notice($"  fingerprint {link.Fingerprint}"),
        ChatLine.Notice($"  SAS {link.Sas}"),
    ];

    public ChatLine Names(IReadOnlyList<string> members, string ownName) => ChatLine.Notice(
        $"in the chat: {string.Join(", ", members.Where(m => !string.Equals(m, ownName, StringComparison.OrdinalIgnoreCase)).Prepend(ownName + " (you)"))}");

    /// <summary>One member's identity, for <c>/names</c>, who stands behind it, and (a client's fellow member) its trust word.</summary>
    public ChatLine MemberIdentity(string name, string? identity, MemberSource source, string? trust = null)
    {
        string text = source switch
        {
            MemberSource.Operator => $"  {name}: the server's operator, identity {identity} (proved in the handshake)",
            MemberSource.Relayed => $"  {name}: identity {identity ?? "unknown"} (relayed; the server vouches for it)",
            _ => $"  {name}: identity {identity ?? "unknown"}",
        };
        return trust is null
            ? ChatLine.Notice(text)
            : ChatLine.Of("trust", $"{text}: {trust}", ChatLine.Field("name", name), ChatLine.Field("identity", identity), ChatLine.Field("trust", trust));
    }

    public IEnumerable<ChatLine> CompareAdvice() =>
    [
        ChatLine.Notice("compare out of band: read the SAS aloud to your peer by phone or in person; both screens must show the same digits."),
        ChatLine.Notice($"if they differ, someone may be in the middle: quit ({HowToQuit}) and do not trust this connection."),
    ];

    /// <summary>The identity a peer proved, and how far it is trusted: one line per contact (scripts look for "identity").</summary>
    public ChatLine Identity(PeerInfo link) => ChatLine.Of(
        "identity",
        $"Peer identity of {link.Name}: {link.Identity} ({TrustWord(link.Trust)})",
        ChatLine.Field("from", link.Name),
        ChatLine.Field("identity", link.Identity),
        ChatLine.Field("trust", TrustWord(link.Trust)));

    /// <summary>new, known, verified or changed, as the status bar and the identity line say it.</summary>
    public static string TrustWord(TrustState? trust) => trust switch
    {
        TrustState.Known => "known",
        TrustState.Verified => "verified",
        TrustState.Changed => "changed",
        _ => "new",
    };

    public ChatLine Verified(PeerInfo link) => ChatLine.Of(
        "verified",
        $"{link.Name}'s identity {link.Identity} is now verified: later connections will say so",
        ChatLine.Field("from", link.Name),
        ChatLine.Field("identity", link.Identity));

    public ChatLine VerifyUsage(bool isServer) => ChatLine.Error(isServer
        ? "usage: /verify NAME, after comparing the SAS with that client out of band (/fingerprint shows it)"
        : "nothing to verify: not connected securely yet");

    /// <summary>A client was refused as busy before the hello and waits to connect again (<see cref="BusyRetry"/>).</summary>
    public ChatLine Retrying(BusyRetry retry) => ChatLine.Of(
        "stage",
        (retry.Reason == FailureReason.RateLimited ? "the server has too many connections from this address" : "the server is busy") +
        $"; connecting again in {retry.Delay.TotalSeconds:0.0} s (retry {retry.Attempt} of {retry.Of})",
        ChatLine.Field("stage", "retrying"),
        ChatLine.Field("retry", retry.Attempt),
        ChatLine.Field("of", retry.Of));

    public ChatLine NotConnected() => ChatLine.Notice("not connected");

    public ChatLine ConnectedTo(PeerInfo server) => ChatLine.Notice(
        $"connected to {server.Name} at {StageWords.Address(server.RemoteEndPoint)} ({StageWords.Describe(server)}); other clients are announced as they join");

    public ChatLine NoPeers() => ChatLine.Notice("no peers connected");

    public ChatLine Peer(PeerInfo peer) => ChatLine.Notice(
        $"{peer.Name} at {StageWords.Address(peer.RemoteEndPoint)}: {StageWords.Describe(peer.Stage)}{(peer.Fingerprint is null ? string.Empty : ", key " + peer.Fingerprint)}");
}
