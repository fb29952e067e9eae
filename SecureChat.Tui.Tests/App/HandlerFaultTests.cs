using SecureChat.Engine.Transport;
using SecureChat.Tui.App;
using SecureChat.Tui.Tests.Support;
using SecureChat.Tui.Views;

namespace SecureChat.Tui.Tests.App;

/// <summary>
/// A hub operator's event handler that throws (here one beside the model's own, as an add-on's would be): the model
/// says so in one error line in the status window, naming the event and the exception's message, and the hub goes on.
/// </summary>
public sealed class HandlerFaultTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = LoopbackPair.Wait;

    [Fact]
    public async Task A_handler_of_the_hub_s_events_that_throws_is_one_error_line_in_the_status_window_naming_the_event_and_its_message()
    {
        await using var server = new ChatServer(new ChatOptions { Name = "Alice" });
        int port = server.Start("127.0.0.1", 0).Port;
        var view = new RecordingView();
        var model = new ChatModel(server, isServer: true, view, new ScreenWords());
        server.PresenceChanged += p => throw new InvalidOperationException($"no seat for {p.Name}");
        try
        {
            await using HubMember bob = await HubMember.JoinAsync(port, "Bob");

            ChatLine fault = view.WaitForLine(l => l.Kind == LineKind.Error && l.Text.Contains("PresenceChanged", StringComparison.Ordinal), s_wait, "the fault reported");
            output.WriteLine(fault.Text);
            fault.Text.ShouldBe("an event handler failed on PresenceChanged: no seat for Bob (the hub goes on)");
            fault.Window.ShouldBe(WindowInfo.StatusKey);
            fault.Event.ShouldBe("handler_faulted");
            fault.Fields.ShouldContain(f => f.Key == "event" && (string?)f.Value == "PresenceChanged");
            await bob.TypeAsync("still here");
            view.WaitForLine(l => l.Text == "still here", s_wait, "Bob's line after the fault at the operator");
            view.Lines.Count(l => l.Kind == LineKind.Error).ShouldBe(1);
        }
        finally
        {
            model.Detach();
        }
    }
}
