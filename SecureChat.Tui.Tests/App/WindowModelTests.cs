using SecureChat.Engine.Groups;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;
using SecureChat.Tui.App;
using SecureChat.Tui.Headless;
using SecureChat.Tui.Tests.Support;
using SecureChat.Tui.Views;

namespace SecureChat.Tui.Tests.App;

/// <summary>The model's windows, fed by a hub's events without a network (<see cref="FakeHub"/>): where each line goes, and what each command asks.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class WindowModelTests
{
    private const string Carol = "CA00 0000 0000 0000 0000 0000 0000 0003";
    private const string Bob = "B0B0 0000 0000 0000 0000 0000 0000 0002";
    private const string Dave = "DA7E 0000 0000 0000 0000 0000 0000 0004";

    private static (FakeHub Hub, RecordingView View, ChatModel Model) Start(bool headless = true, string? configDir = null)
    {
        var hub = new FakeHub("Carol");
        var view = new RecordingView();
        var model = new ChatModel(hub, isServer: false, view, headless ? new ClassicWords() : new ScreenWords())
        {
            OwnIdentity = Carol,
            RoomsFile = configDir is null ? null : new RoomsFile(SecureChat.Engine.Identity.ConfigDirectory.OpenPath(configDir)),
            IgnoredFile = configDir is null ? null : new IgnoredFile(SecureChat.Engine.Identity.ConfigDirectory.OpenPath(configDir)),
        };
        hub.Secure();
        hub.Enter(ChatEndpoint.Lobby, members: [("Bob", Bob)]);
        return (hub, view, model);
    }

    [Fact]
    public void Room_messages_go_to_their_room_direct_messages_to_the_query_of_the_sender_identity_and_hub_notices_to_the_status_window()
    {
        (FakeHub hub, RecordingView view, ChatModel model) = Start();
        hub.Enter("#dev", op: true, topic: "builds", members: [("Bob", Bob)]);

        hub.Message("Bob", Bob, "in the lobby", ChatEndpoint.Lobby);
        hub.Message("Bob", Bob, "in dev", "#dev");
        hub.Message("Bob", Bob, "just to you", room: null);
        hub.Presence(PresenceKind.Refused, "Carol", room: null, identity: null);

        view.WindowEvents.ShouldBe(["#lobby", "#dev", "@" + Bob]);
        view.Lines.Single(l => l.Text == "in the lobby").Window.ShouldBe("#lobby");
        view.Lines.Single(l => l.Text == "in dev").Window.ShouldBe("#dev");
        view.Lines.Single(l => l.Text == "just to you").Window.ShouldBe("@" + Bob);
        view.Lines.Single(l => l.Text.StartsWith("name not changed", StringComparison.Ordinal)).Window.ShouldBe(WindowInfo.StatusKey);
        view.Lines.Single(l => l.Text.StartsWith("you are in #dev", StringComparison.Ordinal)).Text.ShouldBe("you are in #dev (2 people, you are an operator); topic: builds");
        WindowInfo query = view.OpenWindows["@" + Bob];
        (query.Title, query.Kind, query.Identity, query.Trust).ShouldBe(("Bob", WindowKind.Query, Bob, "relayed"));
        view.Lines.ShouldContain(l => l.Window == "@" + Bob && l.Text.Contains(Bob, StringComparison.Ordinal) && l.Text.Contains("relayed", StringComparison.Ordinal));
        model.Detach();
    }

    [Theory]
    [InlineData("hi Carol!", true)]
    [InlineData("CAROL: look", true)]
    [InlineData("ask \u0421arol about it", true)] // a Cyrillic capital Es for the C
    [InlineData("carol's build", true)]
    [InlineData("Carolyn is here", false)]
    [InlineData("xcarol", false)]
    [InlineData("nothing here", false)]
    public void A_message_is_a_mention_when_it_names_the_user_as_a_word_whatever_the_case_or_look_alike(string text, bool mention)
    {
        (FakeHub hub, RecordingView view, ChatModel model) = Start();
        hub.Message("Bob", Bob, text, ChatEndpoint.Lobby);
        view.Lines.Single(l => l.Kind == LineKind.Message).Mention.ShouldBe(mention, text);
        model.Detach();
    }

    [Fact]
    public void Member_lists_are_per_room_and_a_leave_or_rename_applies_to_every_room_with_one_line_in_each()
    {
        (FakeHub hub, RecordingView view, ChatModel model) = Start();
        hub.Enter("#dev", members: [("Bob", Bob)]);
        hub.Presence(PresenceKind.Joined, "Dave", "#dev", Dave);

        model.MembersOf("#dev").ShouldBe(["Bob", "Dave"]);
        model.MembersOf("#lobby").ShouldBe(["Bob"]);

        hub.Presence(PresenceKind.Renamed, "Bob", room: null, Bob, newName: "Robert");
        model.MembersOf("#dev").ShouldBe(["Dave", "Robert"]);
        model.MembersOf("#lobby").ShouldBe(["Robert"]);
        view.Lines.Where(l => l.Text == "Bob is now known as Robert").Select(l => l.Window).ShouldBe(["#lobby", "#dev"]);

        hub.Presence(PresenceKind.Parted, "Dave", "#dev", Dave, text: "lunch");
        view.Lines.Single(l => l.Text == "Dave left #dev: lunch").Window.ShouldBe("#dev");
        hub.Presence(PresenceKind.Left, "Robert", room: null, Bob);
        model.MembersOf("#dev").ShouldBeEmpty();
        model.MembersOf("#lobby").ShouldBeEmpty();
        view.Lines.Where(l => l.Text == "Robert left").Select(l => l.Window).ShouldBe(["#lobby", "#dev"]);
        model.Detach();
    }

    [Fact]
    public void Group_notices_are_one_line_each_in_their_room_or_conversation_naming_who_did_what_with_the_fingerprint_added()
    {
        (FakeHub hub, RecordingView view, ChatModel model) = Start();
        hub.Enter("#dev", members: [("Bob", Bob)]);
        hub.Presence(PresenceKind.Joined, "Dave", "#dev", Dave);
        int before = view.Lines.Count;

        hub.Group(new GroupEventNotice(GroupNoticeKind.MemberAdded, "added") { Room = "#dev", Actor = Bob, Subject = Dave });
        hub.Group(new GroupEventNotice(GroupNoticeKind.MemberRemoved, "removed") { Room = "#dev", Actor = Carol, Subject = Dave });
        hub.Group(new GroupEventNotice(GroupNoticeKind.Dropped, "the hub relayed it as Dave's but Bob signed it") { Room = "#dev" });
        hub.Group(new GroupEventNotice(GroupNoticeKind.Holding, "messages held until the hub removes someone who left") { Room = "#dev", Subject = Dave });
        hub.Group(new GroupEventNotice(GroupNoticeKind.Released, "held messages are sent again") { Room = "#dev" });
        hub.Group(new GroupEventNotice(GroupNoticeKind.Forked, "a commit failed its checks; a resync asked for") { Room = "#dev" });
        hub.Group(new GroupEventNotice(GroupNoticeKind.Joined, "joined; messages sent while this member was out of the group could not be read") { Room = "#dev" });

        ChatLine[] lines = [.. view.Lines.Skip(before)];
        lines.Select(l => l.Text).ShouldBe(
        [
            $"encryption: Dave (identity {Dave}) was added by Bob",
            $"encryption: Dave (identity {Dave}) was removed by you",
            "encryption: a message was dropped: the hub relayed it as Dave's but Bob signed it",
            "encryption: sending held: messages held until the hub removes someone who left",
            "encryption: sending released: held messages are sent again",
            "encryption: the group forked: a commit failed its checks; a resync asked for",
            "encryption: joined; messages sent while this member was out of the group could not be read",
        ]);
        lines.ShouldAllBe(l => l.Window == "#dev" && l.Event == "group");
        lines[2].Kind.ShouldBe(LineKind.Error, "a dropped message is a warning");
        lines[0].Fields.Single(f => f.Key == "identity").Value.ShouldBe(Dave);
        lines[0].Fields.Single(f => f.Key == "kind").Value.ShouldBe("added");
        model.Detach();
    }

    [Fact]
    public void Someone_away_and_back_is_said_once_in_each_room_shared_with_them_and_stays_a_member()
    {
        (FakeHub hub, RecordingView view, ChatModel model) = Start();
        hub.Enter("#dev", members: [("Bob", Bob)]);

        hub.Presence(PresenceKind.Away, "Bob", room: null, Bob);
        view.Lines.Where(l => l.Text == "Bob is away").Select(l => l.Window).ShouldBe(["#lobby", "#dev"]);
        view.Lines.First(l => l.Text == "Bob is away").Event.ShouldBe("away");
        model.MembersOf("#dev").ShouldBe(["Bob"], "someone away is still a member of the room and its group");

        hub.Presence(PresenceKind.Back, "Bob", room: null, Bob);
        view.Lines.Where(l => l.Text == "Bob is back").Select(l => l.Window).ShouldBe(["#lobby", "#dev"]);
        view.Lines.First(l => l.Text == "Bob is back").Event.ShouldBe("back");
        model.MembersOf("#lobby").ShouldBe(["Bob"]);
        model.Detach();
    }

    [Fact]
    public async Task Room_commands_ask_the_hub_about_the_room_of_the_window_they_were_typed_in_or_the_room_named_first()
    {
        (FakeHub hub, RecordingView view, ChatModel model) = Start(headless: false);
        hub.Enter("#dev", op: true, members: [("Bob", Bob), ("Dave Smith", Dave)]);

        await model.EnterAsync("/join #ops", window: "#dev");
        await model.EnterAsync("/kick Bob spamming links", window: "#dev");
        await model.EnterAsync("/kick Dave Smith", window: "#dev");
        await model.EnterAsync("/ban #lobby Bob", window: "#dev");
        await model.EnterAsync("/mode +i", window: "#dev");
        await model.EnterAsync("/topic release on friday", window: "#dev");
        await model.EnterAsync("/part #dev bye all", window: WindowInfo.StatusKey);
        await model.EnterAsync("/list", window: WindowInfo.StatusKey);
        await model.EnterAsync("/op Bob", window: WindowInfo.StatusKey);
        await model.EnterAsync("/mode #dev +x", window: "#dev");
        await model.EnterAsync("/join dev", window: "#dev");

        hub.Requests.ShouldBe(
        [
            new RoomRequest(RoomOp.Join, "#ops"),
            new RoomRequest(RoomOp.Kick, "#dev", "Bob", "spamming links"),
            new RoomRequest(RoomOp.Kick, "#dev", "Dave Smith", ""),
            new RoomRequest(RoomOp.Ban, "#lobby", "Bob"),
            new RoomRequest(RoomOp.Mode, "#dev", Text: "+i"),
            new RoomRequest(RoomOp.Topic, "#dev", Text: "release on friday"),
            new RoomRequest(RoomOp.Part, "#dev", Text: "bye all"),
            new RoomRequest(RoomOp.List, ""),
        ]);
        view.Lines.ShouldContain(l => l.Kind == LineKind.Error && l.Window == WindowInfo.StatusKey && l.Text.StartsWith("/op: this window is not a room", StringComparison.Ordinal));
        view.Lines.ShouldContain(l => l.Kind == LineKind.Error && l.Window == "#dev" && l.Text.StartsWith("usage: /mode [#room] +i|-i", StringComparison.Ordinal));
        view.Lines.ShouldContain(l => l.Kind == LineKind.Error && l.Text.StartsWith("not a room's name: dev", StringComparison.Ordinal));

        await model.EnterAsync("/topic", window: "#dev");
        view.Lines.ShouldContain(l => l.Text == "#dev has no topic" && l.Window == "#dev");
        model.Detach();
    }

    [Fact]
    public void Every_room_event_and_refusal_is_one_line_saying_who_did_what_to_whom_and_why_in_the_room_window()
    {
        (FakeHub hub, RecordingView view, ChatModel model) = Start();
        hub.Enter("#dev", members: [("Bob", Bob), ("Dave", Dave)]);

        hub.Room(RoomNoticeKind.Kicked, "#dev", "Bob", Bob, "Dave", Dave, "spam");
        hub.Room(RoomNoticeKind.Topic, "#dev", "Bob", Bob, text: "release friday");
        hub.Room(RoomNoticeKind.Mode, "#dev", "Bob", Bob, text: "+i");
        hub.Room(RoomNoticeKind.Muted, "#dev", "Bob", Bob, "Carol", Carol);
        hub.Reply(ReplyCode.Muted, op: null, room: "#dev");
        hub.Reply(ReplyCode.NotOperator, RoomOp.Kick, "#dev", "Bob", Bob);
        hub.Room(RoomNoticeKind.Invited, "#secret", "Bob", Bob, "Carol", Carol);

        string[] dev = [.. view.Lines.Where(l => l.Window == "#dev" && l.Kind != LineKind.Message).Skip(3).Select(l => l.Text)];
        dev.ShouldBe(
        [
            "Bob kicked Dave from #dev: spam",
            "Bob set the topic of #dev: release friday",
            "Bob made #dev invite only (+i)",
            "Bob muted you in #dev",
            "message to #dev not delivered: you are muted in #dev: nobody got it",
            "cannot kick Bob in #dev: you are not an operator of #dev",
        ]);
        view.Lines.Last().ShouldSatisfyAllConditions(
            l => l.Text.ShouldBe("Bob invited you to #secret: /join #secret to enter"),
            l => l.Window.ShouldBe(WindowInfo.StatusKey));
        model.MembersOf("#dev").ShouldBe(["Bob"]);
        model.Detach();
    }

    [Fact]
    public void Being_kicked_closes_the_room_window_and_the_status_window_says_who_and_why()
    {
        (FakeHub hub, RecordingView view, ChatModel model) = Start();
        hub.Enter("#dev", members: [("Bob", Bob)]);

        hub.Room(RoomNoticeKind.Kicked, "#dev", "Bob", Bob, "Carol", Carol, "off topic");

        view.WindowEvents[^1].ShouldBe("-#dev");
        ChatLine said = view.Lines[^1];
        (said.Text, said.Window).ShouldBe(("Bob kicked you from #dev: off topic", WindowInfo.StatusKey));
        model.Windows.Select(w => w.Key).ShouldBe([WindowInfo.StatusKey, "#lobby"]);
        model.Detach();
    }

    [Fact]
    public async Task A_direct_message_by_name_is_bound_to_the_identity_the_hub_confirms_and_later_ones_go_by_that_identity_whatever_the_name()
    {
        (FakeHub hub, RecordingView view, ChatModel model) = Start(headless: false);

        await model.EnterAsync("/msg Bob are you there?", window: "#lobby");
        hub.Directs.Single().ShouldBe((new Person("Bob", null), "are you there?"));
        view.OpenWindows.ShouldNotContainKey("@" + Bob);

        hub.Reply(ReplyCode.Done, op: null, name: "Bob", identity: Bob, forDirect: true);
        view.OpenWindows.ShouldContainKey("@" + Bob);
        view.Lines.ShouldContain(l => l.Kind == LineKind.Own && l.Text == "are you there?" && l.Window == "@" + Bob);

        // Bob renames and someone else takes his old name: the query follows the identity.
        hub.Presence(PresenceKind.Renamed, "Bob", room: null, Bob, newName: "Robert");
        view.OpenWindows["@" + Bob].Title.ShouldBe("Robert");
        await model.EnterAsync("still there?", window: "@" + Bob);
        await model.EnterAsync("/msg Robert and now?", window: "#lobby");
        hub.Directs.Skip(1).ShouldBe([(new Person("Robert", Bob), "still there?"), (new Person("Robert", Bob), "and now?")]);

        await model.EnterAsync("/msg Nobody hello", window: "#lobby");
        hub.Reply(ReplyCode.NoSuchName, op: null, name: "Nobody", forDirect: true);
        ChatLine refused = view.Lines[^1];
        (refused.Kind, refused.Window, refused.Text).ShouldBe((LineKind.Error, "#lobby", "message to Nobody not delivered: nobody called Nobody is on the hub"));

        await model.EnterAsync("/close", window: "@" + Bob);
        view.WindowEvents[^1].ShouldBe("-@" + Bob);
        model.Detach();
    }

    [Fact]
    public async Task Headless_plain_lines_go_to_the_room_joined_last_and_slash_window_is_refused_in_one_line()
    {
        (FakeHub hub, RecordingView view, ChatModel model) = Start();
        await model.EnterAsync("to the lobby");
        await model.EnterAsync("/join #dev");
        hub.Enter("#dev");
        await model.EnterAsync("to dev");
        await model.EnterAsync("/window 2");
        hub.Presence(PresenceKind.Parted, "Carol", "#dev", Carol);
        await model.EnterAsync("back in the lobby");

        hub.Sent.ShouldBe([("#lobby", "to the lobby"), ("#dev", "to dev"), ("#lobby", "back in the lobby")]);
        view.Lines.ShouldContain(l => l.Kind == LineKind.Error && l.Text.StartsWith("/window: headless mode has no windows", StringComparison.Ordinal));
        view.Lines.ShouldContain(l => l.Text == "you left #dev" && l.Window == WindowInfo.StatusKey);
        model.Detach();
    }

    [Fact]
    public async Task Ignored_identities_are_not_shown_under_any_name_and_are_kept_in_the_ignored_file_for_the_next_run()
    {
        string dir = AppUnderTest.NewConfigDir();
        (FakeHub hub, RecordingView view, ChatModel model) = Start(configDir: dir);
        await model.EnterAsync("/ignore Bob");
        hub.Message("Bob", Bob, "buy now", ChatEndpoint.Lobby);
        hub.Presence(PresenceKind.Renamed, "Bob", null, Bob, newName: "NotBob");
        hub.Message("NotBob", Bob, "buy now!!", room: null);
        model.Detach();

        view.Lines.ShouldNotContain(l => l.Text.StartsWith("buy now", StringComparison.Ordinal));
        view.Lines.ShouldContain(l => l.Text.StartsWith($"ignoring Bob ({Bob})", StringComparison.Ordinal));
        string file = Path.Combine(dir, IgnoredFile.FileName);
        File.ReadAllText(file).ShouldContain(Bob);
        File.GetUnixFileMode(file).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);

        (FakeHub again, RecordingView seen, ChatModel next) = Start(configDir: dir);
        again.Message("Bob", Bob, "buy now", ChatEndpoint.Lobby);
        seen.Lines.ShouldNotContain(l => l.Text == "buy now");
        await next.EnterAsync("/ignore");
        seen.Lines[^1].Text.ShouldBe($"ignored: Bob ({Bob})");
        await next.EnterAsync("/unignore Bob");
        again.Message("Bob", Bob, "hello again", ChatEndpoint.Lobby);
        seen.Lines[^1].Text.ShouldBe("hello again");
        next.Detach();
    }

    [Fact]
    public void The_rooms_file_keeps_each_server_s_rooms_by_its_identity_as_they_are_entered_and_left()
    {
        string dir = AppUnderTest.NewConfigDir();
        (FakeHub hub, RecordingView _, ChatModel model) = Start(configDir: dir);
        var rooms = new RoomsFile(SecureChat.Engine.Identity.ConfigDirectory.OpenPath(dir));
        string server = hub.Link.Identity!;
        rooms.Save("0000 1111 2222 3333 4444 5555 6666 7777", ["#elsewhere"]);

        hub.Enter("#dev");
        hub.Enter("#ops");
        rooms.For(server).ShouldBe(["#dev", "#ops"]);
        hub.Presence(PresenceKind.Parted, "Carol", "#dev", Carol);
        rooms.For(server).ShouldBe(["#ops"]);
        hub.Room(RoomNoticeKind.Banned, "#ops", "Bob", Bob, "Carol", Carol);
        rooms.For(server).ShouldBeEmpty();
        rooms.For("0000 1111 2222 3333 4444 5555 6666 7777").ShouldBe(["#elsewhere"]);
        File.GetUnixFileMode(Path.Combine(dir, RoomsFile.FileName)).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        model.Detach();
    }

    [Fact]
    public async Task While_away_messages_that_name_the_user_and_direct_messages_are_kept_and_listed_on_return()
    {
        (FakeHub hub, RecordingView view, ChatModel model) = Start();
        await model.EnterAsync("/away lunch");
        model.AwayMessage.ShouldBe("lunch");
        hub.Message("Bob", Bob, "Carol, the build broke", ChatEndpoint.Lobby);
        hub.Message("Bob", Bob, "unrelated chatter", ChatEndpoint.Lobby);
        hub.Message("Bob", Bob, "call me", room: null);
        await model.EnterAsync("/away");

        model.AwayMessage.ShouldBeNull();
        string[] back = [.. view.Lines.SkipWhile(l => !l.Text.StartsWith("you are back", StringComparison.Ordinal)).Select(l => l.Text)];
        back.ShouldBe(["you are back; 2 messages named you while you were away:", "Carol, the build broke", "call me"]);
        model.Detach();
    }

    [Fact]
    public void Entering_a_room_again_after_a_new_link_lists_its_members_afresh_in_the_same_window()
    {
        (FakeHub hub, RecordingView view, ChatModel model) = Start();
        hub.Enter(ChatEndpoint.Lobby, members: [("Dave", Dave)]);

        model.MembersOf(ChatEndpoint.Lobby).ShouldBe(["Dave"], "Bob left while the link was down");
        view.WindowEvents.Count(k => k == ChatEndpoint.Lobby).ShouldBe(1);
        model.Detach();
    }

    [Fact]
    public void A_room_name_or_reason_from_the_hub_is_made_safe_before_it_names_a_window_or_a_line()
    {
        (FakeHub hub, RecordingView view, ChatModel model) = Start();
        hub.Enter("#dev\u001b]0;pwned\u0007");
        hub.Room(RoomNoticeKind.Kicked, "#dev\u001b]0;pwned\u0007", "Bob", Bob, "Dave", Dave, "bye\u001b[2J");

        view.WindowEvents[^1].ShouldNotContain("\u001b");
        view.Lines.ShouldAllBe(l => !l.Text.Contains('\u001b') && !l.Window.Contains('\u001b'));
        view.Lines[^1].Text.ShouldStartWith("Bob kicked Dave from #dev");
        model.Detach();
    }

    [Fact]
    public async Task Query_list_invite_and_names_answer_in_the_words_the_README_gives()
    {
        (FakeHub hub, RecordingView view, ChatModel model) = Start();
        hub.Enter("#dev", op: true, members: [("Bob", Bob), ("Dave", Dave)]);
        hub.Room(RoomNoticeKind.Muted, "#dev", "Carol", Carol, "Dave", Dave);

        await model.EnterAsync("/names");
        view.Lines.ShouldContain(l => l.Text == "in #dev: @Carol (you), Bob, Dave (muted)" && l.Window == "#dev");
        view.Lines.ShouldContain(l => l.Text == $"  Bob: identity {Bob} (relayed; the server vouches for it)");

        await model.EnterAsync("/list");
        hub.Listed("#dev", 3, "builds");
        hub.Listed("#secret", 1, inviteOnly: true);
        hub.Listed(string.Empty, 2);
        string[] list = [.. view.Lines.TakeLast(3).Select(l => l.Text)];
        list.ShouldBe(["  #dev: 3 people - builds", "  #secret: 1 person, invite only", "2 rooms on this hub"]);

        await model.EnterAsync("/invite Bob");
        hub.Requests[^1].ShouldBe(new RoomRequest(RoomOp.Invite, "#dev", "Bob"));
        hub.Reply(ReplyCode.Done, RoomOp.Invite, "#dev", "Bob", Bob);
        view.Lines[^1].ShouldSatisfyAllConditions(l => l.Text.ShouldBe("invited Bob to #dev"), l => l.Window.ShouldBe("#dev"));

        await model.EnterAsync("/query bob");
        view.OpenWindows["@" + Bob].Title.ShouldBe("Bob");
        view.Lines[^1].Text.ShouldBe($"talking with Bob, identity {Bob} (relayed); messages go to this identity whatever its name");
        await model.EnterAsync("a plain line now goes to Bob");
        hub.Directs.Single().ShouldBe((new Person("Bob", Bob), "a plain line now goes to Bob"));
        await model.EnterAsync("/query Nobody");
        view.Lines[^1].Text.ShouldBe("nobody called Nobody is in your rooms or queries (/names lists who is)");
        model.Detach();
    }

    [Fact]
    public async Task Slash_window_on_the_full_screen_asks_the_view_to_switch_and_refuses_what_is_not_a_number()
    {
        (FakeHub _, RecordingView view, ChatModel model) = Start(headless: false);

        await model.EnterAsync("/window 2", window: WindowInfo.StatusKey);
        await model.EnterAsync("/window 9", window: WindowInfo.StatusKey);
        await model.EnterAsync("/window two", window: WindowInfo.StatusKey);

        view.Shown.ShouldBe([2, 9]); // the screen knows its windows, and says when there is no window 9
        view.Lines[^1].Text.ShouldStartWith("usage: /window N");
        model.Detach();
    }

    [Fact]
    public async Task A_line_typed_where_it_cannot_go_is_refused_in_that_window_and_one_typed_in_the_status_window_goes_to_the_lobby()
    {
        (FakeHub hub, RecordingView view, ChatModel model) = Start(headless: false);

        await model.EnterAsync("hello hub", window: WindowInfo.StatusKey);
        await model.EnterAsync("/msg #ops are you there?", window: "#lobby");

        hub.Sent.ShouldBe([("#lobby", "hello hub")], "the status window is no room: its plain line goes where a headless one would");
        view.Lines[^1].ShouldSatisfyAllConditions(
            l => l.Text.ShouldBe("you are not in #ops (/join #ops to enter)"),
            l => l.Window.ShouldBe("#lobby"));
        model.Detach();
    }

    [Fact]
    public async Task A_command_s_answer_is_shown_in_the_window_it_was_typed_in()
    {
        (FakeHub hub, RecordingView view, ChatModel model) = Start(headless: false);
        hub.Enter("#dev");
        int before = view.Lines.Count;

        await model.EnterAsync("/help", window: "#dev");
        await model.EnterAsync("/bogus", window: "#dev");
        await model.EnterAsync("/identity", window: "#dev");
        await model.EnterAsync("/me", window: "#dev");

        ChatLine[] answers = [.. view.Lines.Skip(before)];
        answers.Length.ShouldBeGreaterThan(4);
        answers.ShouldAllBe(l => l.Window == "#dev");
        answers.ShouldContain(l => l.Text == "unknown command /bogus; type /help");
        model.Detach();
    }
}
