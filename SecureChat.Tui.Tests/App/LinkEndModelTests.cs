using SecureChat.Engine.Transport;
using SecureChat.Tui.App;
using SecureChat.Tui.Tests.Support;
using SecureChat.Tui.Views;

namespace SecureChat.Tui.Tests.App;

/// <summary>
/// The full screen's model when its link ends without a Close: a real server in this process that falls silent (its
/// heartbeat is set far off, and a relay stops passing its bytes on, acknowledgements included) and a client with a
/// short idle limit, so the limit fires in seconds.
/// </summary>
public sealed class LinkEndModelTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = LoopbackPair.Wait;

    [Fact]
    public async Task After_the_idle_limit_ends_the_link_the_status_says_failed_and_input_is_told_the_connection_was_lost()
    {
        await using var pair = new LoopbackPair(
            new ChatOptions { Name = "Alice", HeartbeatInterval = TimeSpan.FromMinutes(10), IdleTimeout = TimeSpan.FromMinutes(20) },
            new ChatOptions { Name = "Bob", HeartbeatInterval = TimeSpan.FromMilliseconds(500), IdleTimeout = TimeSpan.FromSeconds(3) });
        await using var tap = TcpTap.Start(pair.Port);
        var view = new RecordingView();
        var model = new ChatModel(pair.Client, isServer: false, view, new ScreenWords());
        try
        {
            await pair.Client.ConnectAsync("127.0.0.1", tap.Port).WaitAsync(s_wait);
            await pair.ClientJoined;
            tap.SilenceServer(); // a live hub acknowledges every heartbeat: only a hub that falls silent lets the idle limit run out
            await model.EnterAsync("one");
            await model.EnterAsync("two");
            view.WaitForLine(l => l.Text.Contains("timed out", StringComparison.Ordinal), s_wait, "the idle limit to end the link");
            ChatStatus ended = view.Statuses[^1];
            await model.EnterAsync("after the end");
            await model.EnterAsync("/verify");
            await model.EnterAsync("/fingerprint");

            ChatLine[] lines = [.. view.Lines];
            output.WriteLine($"status after the end: {ended.Stage}, key {ended.KeyHash ?? "none"}");
            foreach (ChatLine line in lines.SkipWhile(l => !l.Text.Contains("timed out", StringComparison.Ordinal)))
            {
                output.WriteLine("  " + line.Text);
            }

            ended.Stage.ShouldBe("failed");
            ended.KeyHash.ShouldBeNull();
            lines.ShouldContain(l => l.Text == "  may not have arrived: one");
            lines.ShouldContain(l => l.Text == "  may not have arrived: two");
            lines[^3].Text.ShouldBe("not sent: the connection was lost");
            lines[^2].Text.ShouldBe("nothing to verify: the connection was lost");
            lines[^1].Text.ShouldBe("nothing to compare: the connection was lost");
        }
        finally
        {
            model.Detach();
        }
    }
}
