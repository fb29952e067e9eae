using SecureChat.Engine.Chat;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Identity;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;
using SecureChat.Tui.App;
using SecureChat.Tui.Headless;
using SecureChat.Tui.Tests.Support;
using SecureChat.Tui.Views;

namespace SecureChat.Tui.Tests.App;

/// <summary>
/// Who is who among a client's fellow members, on the model fed by a fake hub: trust words from the members file,
/// <c>/verify NAME</c>'s safety number, and the messages held while a name comes with another identity.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class MemberTrustModelTests
{
    private const string Carol = "CA00 0000 0000 0000 0000 0000 0000 0003";
    private const string Bob = "B0B0 0000 0000 0000 0000 0000 0000 0002";
    private const string Mallory = "3A11 0000 0000 0000 0000 0000 0000 0006";
    private static readonly byte[] s_serverKey = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    private static (FakeHub Hub, RecordingView View, ChatModel Model) Start(string dir, bool headless = true, string bobIs = Bob)
    {
        var hub = new FakeHub("Carol", serverKey: s_serverKey);
        var view = new RecordingView();
        var model = new ChatModel(hub, isServer: false, view, headless ? new ClassicWords() : new ScreenWords())
        {
            OwnIdentity = Carol,
            OwnDigest = FakeHub.DigestOf(Carol),
            MembersFile = new KnownMembers(ConfigDirectory.OpenPath(dir), NameRules.Key),
        };
        hub.Secure();
        hub.Enter(ChatEndpoint.Lobby, members: [("Bob", bobIs)]);
        return (hub, view, model);
    }

    [Fact]
    public async Task A_member_is_new_on_first_sight_known_in_the_next_run_and_names_and_the_query_window_say_so()
    {
        string dir = AppUnderTest.NewConfigDir();
        (FakeHub hub, RecordingView view, ChatModel model) = Start(dir);
        await model.EnterAsync("/names");
        view.Lines.ShouldContain(l => l.Text == $"  Bob: identity {Bob} (relayed; the server vouches for it): new" && l.Event == "trust");
        model.Detach();

        (hub, view, model) = Start(dir, headless: false);
        await model.EnterAsync("/names");
        view.Lines.ShouldContain(l => l.Text == $"  Bob: identity {Bob} (relayed; the server vouches for it): known");
        hub.Message("Bob", Bob, "psst", room: null);
        view.OpenWindows["@" + Bob].Trust.ShouldBe("known");
        view.Lines.ShouldContain(l => l.Event == "query" && l.Text.Contains("(known)", StringComparison.Ordinal));
        model.Detach();
    }

    [Fact]
    public async Task Verify_name_shows_the_safety_number_of_both_identities_and_pins_the_member_as_verified()
    {
        string dir = AppUnderTest.NewConfigDir();
        (FakeHub hub, RecordingView view, ChatModel model) = Start(dir);
        hub.Message("Bob", Bob, "psst", room: null);

        await model.EnterAsync("/verify bob");

        string expected = SafetyNumber.Of(FakeHub.DigestOf(Bob), FakeHub.DigestOf(Carol));
        ChatLine number = view.Lines.Single(l => l.Event == "safety_number");
        number.Text.ShouldContain(expected);
        number.Fields.ShouldContain(f => f.Key == "number" && (string?)f.Value == expected);
        view.Lines.ShouldContain(l => l.Event == "verified" && l.Text.StartsWith($"Bob's identity {Bob} is now verified", StringComparison.Ordinal));
        view.OpenWindows["@" + Bob].Trust.ShouldBe("verified");
        await model.EnterAsync("/names");
        view.Lines.ShouldContain(l => l.Text.EndsWith("): verified", StringComparison.Ordinal));
        model.Detach();

        (_, RecordingView later, ChatModel next) = Start(dir);
        await next.EnterAsync("/names");
        later.Lines.ShouldContain(l => l.Text.EndsWith("): verified", StringComparison.Ordinal));
        await next.EnterAsync("/verify Nobody");
        later.Lines[^1].Kind.ShouldBe(LineKind.Error);
        later.Lines[^1].Text.ShouldStartWith("nobody called Nobody");
        next.Detach();
    }

    [Fact]
    public async Task A_name_with_another_identity_is_warned_about_and_holds_messages_where_it_is_until_accept_sends_them_in_order()
    {
        string dir = AppUnderTest.NewConfigDir();
        (_, _, ChatModel first) = Start(dir);
        first.Detach();

        (FakeHub hub, RecordingView view, ChatModel model) = Start(dir, bobIs: Mallory);
        hub.Enter("#dev", members: [("Dave", "DA7E 0000 0000 0000 0000 0000 0000 0004")]);

        ChatLine warning = view.Lines.Single(l => l.Event == "identity_changed");
        warning.Kind.ShouldBe(LineKind.Error);
        string pinned = IdentityFingerprint.FromDigest(FakeHub.DigestOf(Bob)); // the fake hub's digests are not those of its fingerprints
        warning.Text.ShouldBe($"WARNING: Bob now comes with another identity ({Mallory}, was {pinned}): your messages where Bob is are held; compare safety numbers (/verify Bob) or /accept Bob");
        view.Statuses[^1].Alert.ShouldBe("IDENTITY CHANGED: Bob (/accept or /verify)");
        await model.EnterAsync("/names", window: ChatEndpoint.Lobby);
        view.Lines.ShouldContain(l => l.Text.EndsWith("): CHANGED", StringComparison.Ordinal));

        await model.EnterAsync("one", window: ChatEndpoint.Lobby);
        await model.EnterAsync("to dev", window: "#dev");
        await model.EnterAsync("two", window: ChatEndpoint.Lobby);

        hub.Sent.ShouldBe([("#dev", "to dev")], "only the room without Bob got a message");
        view.Lines.Where(l => l.Event == "held").Select(l => (l.Window, l.Text)).ShouldBe(
        [
            (ChatEndpoint.Lobby, "held, not sent until you /accept Bob (another identity than the one pinned): one"),
            (ChatEndpoint.Lobby, "held, not sent until you /accept Bob (another identity than the one pinned): two"),
        ]);

        await model.EnterAsync("/accept Bob");
        view.Lines.ShouldContain(l => l.Event == "accepted" && l.Text == $"Bob is identity {Mallory} from now on (known, not verified); sending the 2 held messages");
        await Eventually(() => hub.Sent.Count == 3);
        hub.Sent.ShouldBe([("#dev", "to dev"), (ChatEndpoint.Lobby, "one"), (ChatEndpoint.Lobby, "two")]);
        view.Statuses[^1].Alert.ShouldBeNull();

        await model.EnterAsync("three", window: ChatEndpoint.Lobby);
        hub.Sent[^1].ShouldBe((ChatEndpoint.Lobby, "three"));
        await model.EnterAsync("/accept Bob");
        view.Lines[^1].Text.ShouldBe("Bob's identity has not changed: nothing to accept");
        model.Detach();

        (_, RecordingView later, ChatModel next) = Start(dir, bobIs: Mallory);
        later.Lines.ShouldNotContain(l => l.Event == "identity_changed");
        next.Detach();

        // Held messages are never dropped silently: a run that ends before /accept reports them.
        (FakeHub third, _, ChatModel last) = Start(dir, bobIs: Bob);
        await last.EnterAsync("still held", window: ChatEndpoint.Lobby);
        third.Sent.ShouldBeEmpty();
        last.TakePendingReport().Select(l => l.Text).ShouldBe(["1 message held for a changed identity was not sent: the chat ended before /accept", "  not sent: still held"]);
        last.Detach();
    }

    [Fact]
    public async Task A_conversation_with_a_changed_identity_says_CHANGED_and_holds_direct_messages_too()
    {
        string dir = AppUnderTest.NewConfigDir();
        (_, _, ChatModel first) = Start(dir);
        first.Detach();
        (FakeHub hub, RecordingView view, ChatModel model) = Start(dir, headless: false, bobIs: Mallory);

        await model.EnterAsync("/msg Bob are you Bob?");
        hub.Message("Bob", Mallory, "trust me", room: null);
        await model.EnterAsync("really?", window: "@" + Mallory);

        view.OpenWindows["@" + Mallory].Trust.ShouldBe("CHANGED");
        hub.Directs.ShouldBeEmpty();
        view.Lines.Where(l => l.Event == "held").Select(l => l.Window).ShouldBe(["@" + Mallory, "@" + Mallory]);

        await model.EnterAsync("/verify Bob");
        view.Lines.ShouldContain(l => l.Event == "safety_number" && l.Text.Contains(SecureChat.Engine.Crypto.SafetyNumber.Of(FakeHub.DigestOf(Carol), FakeHub.DigestOf(Mallory)), StringComparison.Ordinal));
        await Eventually(() => hub.Directs.Count == 2);
        hub.Directs.Select(d => (d.To.Identity, d.Text)).ShouldBe([(Mallory, "are you Bob?"), (Mallory, "really?")]);
        view.OpenWindows["@" + Mallory].Trust.ShouldBe("verified");
        model.Detach();
    }

    [Fact]
    public async Task A_line_typed_while_the_held_ones_go_out_after_accept_waits_behind_them()
    {
        string dir = AppUnderTest.NewConfigDir();
        (_, _, ChatModel first) = Start(dir);
        first.Detach();
        (FakeHub hub, RecordingView view, ChatModel model) = Start(dir, bobIs: Mallory);
        await model.EnterAsync("one", window: ChatEndpoint.Lobby);
        await model.EnterAsync("two", window: ChatEndpoint.Lobby);
        var slow = new TaskCompletionSource();
        hub.SendGate = slow.Task;

        await model.EnterAsync("/accept Bob");
        await Eventually(() => hub.Sent.Count == 1);
        Task typed = model.EnterAsync("three", window: ChatEndpoint.Lobby);
        await Eventually(() => typed.IsCompleted || hub.Sent.Count > 1);
        hub.SendGate = null;
        hub.Sent.ShouldBe([(ChatEndpoint.Lobby, "one")], "the new line waits behind the held ones");

        slow.SetResult();
        await typed;
        await Eventually(() => hub.Sent.Count == 3);
        hub.Sent.ShouldBe([(ChatEndpoint.Lobby, "one"), (ChatEndpoint.Lobby, "two"), (ChatEndpoint.Lobby, "three")]);
        view.Lines.Count(l => l.Event == "held").ShouldBe(2, "the line that waited behind them was never held for the identity");
        model.Detach();
    }

    private static async Task Eventually(Func<bool> condition)
    {
        for (int i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        condition().ShouldBeTrue();
    }
}
