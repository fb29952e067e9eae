using SecureChat.Engine.Transport;

namespace SecureChat.Tui.App;

/// <summary>
/// The command table: every command once, with its spellings, usage, help, roles, modes and handler. Parsing
/// (<see cref="ChatCommand.Parse(string, IEnumerable{CommandEntry})"/>), Tab completion of command names and the
/// commands <c>/help</c> lists in either mode all come from it, so adding a line here is all a new command needs.
/// Thread-safe (immutable).
/// </summary>
internal static class ChatCommands
{
    public static IReadOnlyList<CommandEntry> All { get; } =
    [
        new("/help", string.Empty, "lists the commands (on the full screen also the keys)", Done((m, c) => m.ShowHelp(c.Window))),
        new("/fingerprint", string.Empty, "shows each connection's key fingerprint and short authentication string (SAS) to compare with your peer", Done((m, c) => m.ShowFingerprints(c.Window))),
        new("/verify", "[NAME]", "marks the peer's identity verified for good once you have compared the SAS (a server names the client, or it is the only one); a client naming a member shows your safety number with NAME to compare out of band and marks NAME's identity verified", Done((m, c) => m.VerifyPeer(c.Argument, c.Window))),
        new("/accept", "NAME", "after NAME came with another identity than the one pinned: pins the new one and sends the messages held meanwhile", Done((m, c) => m.AcceptMember(c))) { Roles = CommandRoles.Client },
        new("/rekey", string.Empty, "runs a fresh key exchange inside the secure connection (new keys, new fingerprint)", Done((m, _) => m.Rekey())),
        new("/peers", string.Empty, "shows who is connected (a client: its server), where from, and at which stage", Done((m, c) => m.ShowPeers(c.Window))),
        new("/names", "[#room]", "lists who is in the room (operators marked @), then each member's identity fingerprint", Done((m, c) => m.Names(c))),
        new("/identity", string.Empty, "shows your own identity fingerprint, to read out to a peer who asks for it", Done((m, c) => m.ShowOwnIdentity(c.Window))),
        new("/nick", "NAME", "changes your display name; the others are told", Done((m, c) => m.ChangeName(c.Argument, c.Window))),
        new("/me", "ACTION", "says what you do: /me waves shows as * <you> waves", static (m, c) => c.Argument.Length > 0
            ? m.SendAsync(ChatCommand.MePrefix + c.Argument, c.Window)
            : m.Refuse(c.Command.UsageLine("for example: /me waves"), c.Window)),
        new("/say", "TEXT", "sends TEXT as it is, even exit or a command", static (m, c) => c.Text.Trim().Length > 0
            ? m.SendAsync(c.Text, c.Window)
            : m.Refuse(c.Command.UsageLine("sends TEXT as it is, for example: /say exit"), c.Window)),
        new("/join", "#room", "enters a room (creating it: you are its operator); plain lines go to it", Done((m, c) => m.Join(c))),
        new("/part", "[#room] [REASON]", "leaves the room (this window's), saying why to those who stay", Done((m, c) => m.Part(c))),
        new("/list", string.Empty, "lists the hub's rooms with their people and topics", Done((m, c) => m.List(c))),
        new("/topic", "[TEXT]", "shows the room's topic, or sets it (room operators)", Done((m, c) => m.Topic(c))),
        new("/invite", "NAME", "invites NAME into this room (into an invite-only room: operators only)", Done((m, c) => m.Moderate(c, RoomOp.Invite))),
        new("/mode", "[#room] +i|-i", "+i: only those invited may enter the room; -i: anyone may (room operators)", Done((m, c) => m.Mode(c))),
        new("/msg", "NAME|#room TEXT", "sends TEXT to one person (by identity once the hub said whose it is) or to a room you are in", static (m, c) => m.MessageAsync(c)),
        new("/query", "NAME", "opens a conversation window with NAME's identity (a rename does not move it)", Done((m, c) => m.Query(c))),
        new("/close", string.Empty, "closes this conversation window, or leaves this window's room", Done((m, c) => m.Close(c))),
        new("/kick", "NAME [REASON]", "puts NAME out of this room, saying why (room operators)", Done((m, c) => m.Moderate(c, RoomOp.Kick))),
        new("/ban", "NAME", "bans NAME's identity from this room, under any name, until /unban (room operators)", Done((m, c) => m.Moderate(c, RoomOp.Ban))),
        new("/unban", "NAME", "lifts the ban on NAME's identity in this room (room operators)", Done((m, c) => m.Moderate(c, RoomOp.Unban))),
        new("/mute", "NAME", "stops NAME's messages in this room from reaching anyone (room operators)", Done((m, c) => m.Moderate(c, RoomOp.Mute))),
        new("/unmute", "NAME", "lets NAME speak in this room again (room operators)", Done((m, c) => m.Moderate(c, RoomOp.Unmute))),
        new("/op", "NAME", "makes NAME an operator of this room (room operators)", Done((m, c) => m.Moderate(c, RoomOp.Op))),
        new("/deop", "NAME", "takes operator from NAME in this room (room operators)", Done((m, c) => m.Moderate(c, RoomOp.Deop))),
        new("/ignore", "[NAME]", "hides NAME's room and direct messages, by identity, kept across runs; with no name, lists whom you ignore", Done((m, c) => m.Ignore(c))),
        new("/unignore", "NAME", "shows NAME's messages again", Done((m, c) => m.Unignore(c))),
        new("/away", "[MESSAGE]", "marks you away (messages that name you are kept); with no message, you are back and they are listed", Done((m, c) => m.Away(c))),
        new("/window", "N", "switches to window N (1 is the status window); headless mode has no windows", Done((m, c) => m.SwitchWindow(c))),
        new("/reconnect", string.Empty, "while the connection is away, connects again now instead of at the next attempt", Done((m, _) => m.ReconnectNow())) { Roles = CommandRoles.Client },
        new("/search", "TEXT", "lists the kept lines holding every word of TEXT, across rooms and conversations, newest first", Done((m, c) => m.Search(c))),
        new("/history", "clear [#room]", "deletes the kept lines of a room, or with no room every kept line (the history file stays)", Done((m, c) => m.HistoryCommand(c))),
        new("/export", "[#room] FILE", "writes the kept lines of a room (or of this window) to a new plain-text file, oldest first", Done((m, c) => m.Export(c))),
        new("/clear", string.Empty, "clears the message pane (headless mode has none: nothing happens)", Done((m, _) => m.ClearPane())),
        new("/quit", string.Empty, "closes the connection cleanly and leaves (so does a line that is just exit)", Done((m, _) => m.Quit())) { Aliases = ["/exit"] },
    ];

    /// <summary>The command a line that is just this word runs (case-sensitive, as typed).</summary>
    public const string BareExit = "exit";

    /// <summary>The commands a model of this role has in this mode, in table order.</summary>
    public static IEnumerable<CommandEntry> For(bool isServer, CommandModes mode) => All.Where(c => c.IsFor(isServer, mode));

    /// <summary>Every spelling of the commands a model of this role has in this mode, for Tab completion.</summary>
    public static IReadOnlyList<string> Names(bool isServer, CommandModes mode) => [.. For(isServer, mode).SelectMany(c => c.Spellings)];

    /// <summary>The command that quits (what <see cref="BareExit"/> runs).</summary>
    public static CommandEntry Quit => All.Single(c => c.Name == "/quit");

    private static Func<ChatModel, ChatCommand.Run, Task> Done(Action<ChatModel, ChatCommand.Run> handler) => (m, c) =>
    {
        handler(m, c);
        return Task.CompletedTask;
    };
}
