using SecureChat.Tui.App;
using SecureChat.Tui.Tests.Support;
using SecureChat.Tui.Views;

namespace SecureChat.Tui.Tests.App;

/// <summary>What a client's model says once its link has ended (a real server and client on 127.0.0.1).</summary>
public sealed class AfterTheLinkEndedTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = LoopbackPair.Wait;

    [Fact]
    public async Task After_the_server_left_a_message_verify_fingerprint_and_nick_say_the_connection_is_closed_and_the_status_is_not_secure()
    {
        await using var pair = new LoopbackPair();
        var view = new RecordingView();
        var model = new ChatModel(pair.Client, isServer: false, view, new ScreenWords());
        try
        {
            await pair.ConnectAsync();
            await pair.ClientJoined;
            view.Statuses[^1].Stage.ShouldBe("secure");

            await pair.Server.StopAsync().WaitAsync(s_wait);
            view.WaitForLine(l => l.Text == "the server closed the connection", s_wait, "the server's Close");
            int before = view.Lines.Count;

            await model.EnterAsync("hello?");
            await model.EnterAsync("/verify");
            await model.EnterAsync("/fingerprint");
            await model.EnterAsync("/nick Carol");

            string[] said = [.. view.Lines.Skip(before).Select(l => l.Text)];
            foreach (string line in said)
            {
                output.WriteLine(line);
            }

            output.WriteLine("status: " + view.Statuses[^1].Stage);
            said.ShouldBe(
            [
                "not sent: the server closed the connection",
                "nothing to verify: the server closed the connection",
                "nothing to compare: the server closed the connection",
                "name not changed: the server closed the connection",
            ]);
            model.OwnName.ShouldBe("Client");
            view.Statuses[^1].Stage.ShouldBe("disconnected");
            view.Statuses[^1].KeyHash.ShouldBeNull("no key hash once the link has ended");
        }
        finally
        {
            model.Detach();
        }
    }
}
