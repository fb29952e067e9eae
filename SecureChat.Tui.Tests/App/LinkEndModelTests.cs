using System.Net;
using System.Net.Sockets;
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
        await using var tap = await SilenceableTap.StartAsync(pair.Port);
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

    /// <summary>
    /// A TCP relay between the client and the hub on 127.0.0.1 that can stop passing the hub's bytes on, as a hub that
    /// hangs or a network that drops one direction would, while the hub itself keeps running.
    /// </summary>
    private sealed class SilenceableTap : IAsyncDisposable
    {
        private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        private readonly CancellationTokenSource _stop = new();
        private Task _run = Task.CompletedTask;
        private volatile bool _silent;

        public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

        public static Task<SilenceableTap> StartAsync(int serverPort)
        {
            var tap = new SilenceableTap();
            tap._listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            tap._listener.Listen(1);
            tap._run = tap.RunAsync(serverPort);
            return Task.FromResult(tap);
        }

        /// <summary>From now on the hub's bytes are read and dropped: the client hears nothing more.</summary>
        public void SilenceServer() => _silent = true;

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Dispose();
            try
            {
                await _run.WaitAsync(s_wait);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }

            _stop.Dispose();
        }

        private async Task RunAsync(int serverPort)
        {
            using Socket client = await _listener.AcceptAsync(_stop.Token);
            using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await server.ConnectAsync(new IPEndPoint(IPAddress.Loopback, serverPort), _stop.Token);
            await Task.WhenAny(PumpAsync(client, server, fromServer: false), PumpAsync(server, client, fromServer: true));
        }

        private async Task PumpAsync(Socket from, Socket to, bool fromServer)
        {
            byte[] buffer = new byte[16 * 1024];
            try
            {
                int read;
                while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0)
                {
                    if (!(fromServer && _silent))
                    {
                        await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }
    }
}
