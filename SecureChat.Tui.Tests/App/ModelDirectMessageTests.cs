using SecureChat.Engine.Transport;
using SecureChat.TestSupport;
using SecureChat.Tui.App;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.App;

/// <summary>Direct messages through the model on a real hub on 127.0.0.1: by name first, then by identity.</summary>
public sealed class ModelDirectMessageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_query_bound_by_the_hub_s_answer_keeps_reaching_the_same_identity_after_a_rename_and_never_the_one_who_took_the_old_name()
    {
        await using ModelHub hub = await ModelHub.StartAsync("Bob", "Carol", "Mallory");
        var (bob, carol, mallory) = hub;

        await bob.TypeAsync("/msg Carol are you free?");
        ChatLine first = carol.WaitFor(l => l.Text == "are you free?", "Bob's direct message at Carol");
        first.Window.ShouldBe("@" + bob.Identity);
        carol.View.OpenWindows["@" + bob.Identity].ShouldSatisfyAllConditions(
            w => w.Title.ShouldBe("Bob"), w => w.Kind.ShouldBe(WindowKind.Query), w => w.Trust.ShouldBe("relayed"));
        bob.WaitFor(l => l.Kind == LineKind.Own && l.Text == "are you free?", "Bob's own line once bound").Window.ShouldBe("@" + carol.Identity);

        carol.Client.ChangeName("Caroline");
        bob.WaitFor(l => l.Text == "Carol is now known as Caroline", "the rename at Bob");
        mallory.Client.ChangeName("Carol");
        bob.WaitFor(l => l.Text == "Mallory is now known as Carol", "Mallory taking the old name");

        await bob.Model.EnterAsync("still there?", window: "@" + carol.Identity);
        carol.WaitFor(l => l.Text == "still there?", "the second message at Caroline").Window.ShouldBe("@" + bob.Identity);
        await hub.Server.SendAsync(ChatEndpoint.Lobby, "marker", TestContext.Current.CancellationToken);
        mallory.WaitFor(l => l.Text == "marker", "a line the hub sent Mallory after Bob's message");
        mallory.View.Lines.ShouldNotContain(l => l.Text == "still there?", "the query goes by identity, not by the name Carol");
        bob.View.OpenWindows["@" + carol.Identity].Title.ShouldBe("Caroline");

        await bob.TypeAsync("/msg Nobody hello");
        bob.WaitFor(l => l.Event == "refused", "the refusal").Text.ShouldBe("message to Nobody not delivered: nobody called Nobody is on the hub");
        foreach (ChatLine line in bob.View.Lines)
        {
            output.WriteLine($"Bob [{line.Window}] {line.Kind} {line.Text}");
        }
    }

    [Fact]
    public async Task An_ignored_identity_s_direct_and_room_messages_are_not_shown_under_any_name()
    {
        await using ModelHub hub = await ModelHub.StartAsync("Bob", "Carol");
        var (bob, carol) = hub;
        carol.WaitFor(l => l.Text == "Bob is here" || l.Text == "Bob joined", "Bob in Carol's lobby");
        var lobby = SecureChat.Engine.Protocol.GroupTarget.ForRoom("#lobby");
        await Eventually.True(
            () => bob.Client.GroupOf(lobby) is { Status: SecureChat.Engine.Groups.MemberGroupStatus.Member } b && carol.Client.GroupOf(lobby) is { Status: SecureChat.Engine.Groups.MemberGroupStatus.Member } c && b.Epoch == c.Epoch,
            "Bob and Carol in #lobby's group at one epoch (a text of an epoch before Carol's join is not hers to read)");

        // What Carol's client decrypted from Bob's identity, seen after her model (subscribed first) has had it.
        var fromBob = new System.Collections.Concurrent.ConcurrentQueue<string>();
        carol.Client.MessageReceived += m =>
        {
            if (m.SenderIdentity == bob.Identity)
            {
                fromBob.Enqueue(m.Text);
            }
        };

        await carol.TypeAsync("/ignore Bob");
        carol.WaitFor(l => l.Event == "ignore", "the ignore").Text.ShouldStartWith($"ignoring Bob ({bob.Identity})");
        bob.Client.ChangeName("Robert");
        carol.WaitFor(l => l.Text == "Bob is now known as Robert", "the rename");
        await bob.TypeAsync("buy now");
        await bob.TypeAsync("/msg Carol buy now, privately");

        // Both travel in MLS groups (the room's, and the direct conversation Bob's message starts): Carol's client
        // has decrypted both, and her model had them while ignoring, before she stops ignoring.
        bob.WaitFor(l => l.Kind == LineKind.Own && l.Text == "buy now, privately", "Bob's direct message bound to Carol's identity");
        await Eventually.True(() => fromBob.Contains("buy now") && fromBob.Contains("buy now, privately"), "Carol's client to decrypt both of Bob's messages");
        await carol.TypeAsync("/unignore Robert");
        await bob.TypeAsync("and now?");
        carol.WaitFor(l => l.Text == "and now?", "a message after /unignore");
        carol.View.Lines.ShouldNotContain(l => l.Text.StartsWith("buy now", StringComparison.Ordinal));
    }
}
