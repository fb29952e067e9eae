using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Transport;

/// <summary>The transport ticks every secure link's timers, so time-driven behaviour happens on idle links too.</summary>
public sealed class SessionTimerTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task An_idle_link_over_tcp_rekeys_by_itself_once_its_keys_are_older_than_the_stated_time()
    {
        var options = new ChatOptions { RekeyAfterTime = TimeSpan.FromMilliseconds(300), TickInterval = TimeSpan.FromMilliseconds(50) };
        await using var server = new ChatServer(options.FromOneAddress());
        await using var client = new ChatClient(new ChatOptions { TickInterval = TimeSpan.FromHours(1) });
        int port = server.Start("127.0.0.1", 0).Port;
        var serverRekeyed = new TaskCompletionSource<PeerInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
        var clientRekeyed = new TaskCompletionSource<PeerInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Rekeyed += p => serverRekeyed.TrySetResult(p);
        client.Rekeyed += p => clientRekeyed.TrySetResult(p);
        await client.ConnectAsync("127.0.0.1", port).WaitAsync(s_wait);
        string first = client.Server!.Fingerprint!;

        // Nothing is sent: only the server's ticks can start this rekey.
        PeerInfo atClient = await clientRekeyed.Task.WaitAsync(s_wait);
        PeerInfo atServer = await serverRekeyed.Task.WaitAsync(s_wait);
        atClient.Fingerprint.ShouldNotBe(first);
        atClient.Fingerprint.ShouldBe(atServer.Fingerprint);
        atClient.Stage.ShouldBe(SessionStage.Secure);
    }

    [Fact]
    public async Task A_link_whose_keys_are_young_is_not_rekeyed_by_its_ticks()
    {
        var options = new ChatOptions { TickInterval = TimeSpan.FromMilliseconds(20) };
        await using var server = new ChatServer(options.FromOneAddress());
        await using var client = new ChatClient(new ChatOptions());
        int port = server.Start("127.0.0.1", 0).Port;
        int rekeys = 0;
        server.Rekeyed += _ => Interlocked.Increment(ref rekeys);
        await client.ConnectAsync("127.0.0.1", port).WaitAsync(s_wait);
        await Task.Delay(500);
        Volatile.Read(ref rekeys).ShouldBe(0);
        client.Server!.Stage.ShouldBe(SessionStage.Secure);
    }
}
