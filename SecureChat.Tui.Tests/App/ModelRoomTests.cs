using SecureChat.Engine.Transport;
using SecureChat.Tui.App;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.App;

/// <summary>Rooms through the model on a real hub on 127.0.0.1: three clients, two rooms, moderation.</summary>
public sealed class ModelRoomTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Three_clients_in_two_rooms_each_see_a_room_s_messages_in_that_room_s_window_and_nowhere_else()
    {
        await using ModelHub hub = await ModelHub.StartAsync("Bob", "Carol", "Dave");
        var (bob, carol, dave) = hub;

        await bob.TypeAsync("/join #dev");
        bob.WaitFor(l => l.Event == "entered" && l.Window == "#dev", "Bob in #dev").Text.ShouldContain("you are an operator");
        await carol.TypeAsync("/join #DEV");
        carol.WaitFor(l => l.Event == "entered" && l.Window == "#dev", "Carol in #dev, as its creator spells it");
        bob.WaitFor(l => l.Text == "Carol joined" && l.Window == "#dev", "Carol's join in Bob's #dev");

        await bob.TypeAsync("build is green");
        await dave.TypeAsync("anyone in the lobby?");
        carol.WaitFor(l => l.Text == "build is green", "Bob's #dev line at Carol").Window.ShouldBe("#dev");
        carol.WaitFor(l => l.Text == "anyone in the lobby?", "Dave's lobby line at Carol").Window.ShouldBe("#lobby");
        bob.WaitFor(l => l.Text == "anyone in the lobby?", "Dave's lobby line at Bob").Window.ShouldBe("#lobby");
        await hub.Server.SendAsync(ChatEndpoint.Lobby, "marker", TestContext.Current.CancellationToken);
        dave.WaitFor(l => l.Text == "marker", "a line the hub sent Dave after Bob's");
        dave.View.Lines.ShouldNotContain(l => l.Text == "build is green", "Dave is not in #dev");
        dave.View.Lines.ShouldNotContain(l => l.Window == "#dev");
        carol.Model.MembersOf("#dev").ShouldBe(["Bob"]);
        carol.Model.MembersOf("#lobby").ShouldBe(["Alice", "Bob", "Dave"], ignoreOrder: true);

        await carol.TypeAsync("/part #dev off to lunch");
        bob.WaitFor(l => l.Text == "Carol left #dev: off to lunch", "Carol's part at Bob").Window.ShouldBe("#dev");
        carol.WaitFor(l => l.Text == "you left #dev: off to lunch", "Carol's own part").Window.ShouldBe(WindowInfo.StatusKey);
        carol.View.WindowEvents.ShouldContain("-#dev");
        foreach (ChatLine line in carol.View.Lines)
        {
            output.WriteLine($"Carol [{line.Window}] {line.Text}");
        }
    }

    [Fact]
    public async Task The_room_s_operator_kicks_a_member_who_is_told_who_and_why_in_the_status_window_while_the_room_reads_the_same_line()
    {
        await using ModelHub hub = await ModelHub.StartAsync("Bob", "Carol", "Dave");
        var (bob, carol, dave) = hub;
        foreach (HubMember m in new[] { bob, carol, dave })
        {
            await m.TypeAsync("/join #dev");
            m.WaitFor(l => l.Event == "entered" && l.Window == "#dev", "in #dev");
        }

        await carol.TypeAsync("/kick Dave no reason");
        carol.WaitFor(l => l.Event == "refused", "Carol's refused kick").Text.ShouldEndWith(" in #dev: you are not an operator of #dev");

        await bob.TypeAsync("/kick Dave spamming links");
        dave.WaitFor(l => l.Event == "kicked", "Dave's kick").ShouldSatisfyAllConditions(
            l => l.Text.ShouldBe("Bob kicked you from #dev: spamming links"),
            l => l.Window.ShouldBe(WindowInfo.StatusKey));
        dave.View.WindowEvents.ShouldContain("-#dev");
        carol.WaitFor(l => l.Event == "kicked", "the kick in Carol's #dev").ShouldSatisfyAllConditions(
            l => l.Text.ShouldBe("Bob kicked Dave from #dev: spamming links"),
            l => l.Window.ShouldBe("#dev"));
        carol.Model.MembersOf("#dev").ShouldBe(["Bob"]);

        await bob.TypeAsync("/ban Dave");
        carol.WaitFor(l => l.Event == "banned", "the ban in Carol's #dev").Text.ShouldBe("Bob banned Dave from #dev");
        await dave.TypeAsync("/join #dev");
        dave.WaitFor(l => l.Event == "refused", "Dave's refused join").Text.ShouldBe("cannot join #dev: you are banned from #dev");

        await bob.TypeAsync("/mute Carol");
        carol.WaitFor(l => l.Event == "muted", "Carol muted").Text.ShouldBe("Bob muted you in #dev");
        await carol.TypeAsync("can anyone hear me?");
        carol.WaitFor(l => l.Event == "refused" && l.Text.Contains("muted", StringComparison.Ordinal), "Carol told she is muted")
            .Text.ShouldBe("message to #dev not delivered: you are muted in #dev: nobody got it");
        await hub.Server.SendAsync(ChatEndpoint.Lobby, "marker", TestContext.Current.CancellationToken);
        bob.WaitFor(l => l.Text == "marker", "a line the hub sent Bob after Carol's");
        bob.View.Lines.ShouldNotContain(l => l.Text == "can anyone hear me?");
    }
}
