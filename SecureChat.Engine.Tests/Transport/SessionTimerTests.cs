using Microsoft.Extensions.Time.Testing;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Transport;

/// <summary>
/// The transport runs every secure link's timers, so time-driven behaviour happens on idle links too. The hub's clock
/// is a <see cref="FakeTimeProvider"/>: its timers fire as the test moves it, with no real wait.
/// </summary>
public sealed class SessionTimerTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task An_idle_link_over_tcp_rekeys_by_itself_once_its_keys_are_older_than_the_stated_time()
    {
        var time = new FakeTimeProvider();
        var options = new ChatOptions { RekeyAfterTime = TimeSpan.FromMinutes(5), HeartbeatInterval = TimeSpan.FromHours(1), IdleTimeout = TimeSpan.FromHours(2), Time = time };
        await using var server = new ChatServer(options.FromOneAddress());
        await using var client = new ChatClient(new ChatOptions { TickInterval = TimeSpan.FromHours(1) });
        int port = server.Start("127.0.0.1", 0).Port;
        var serverRekeyed = new TaskCompletionSource<PeerInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
        var clientRekeyed = new TaskCompletionSource<PeerInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Rekeyed += p => serverRekeyed.TrySetResult(p);
        client.Rekeyed += p => clientRekeyed.TrySetResult(p);
        await client.ConnectAsync("127.0.0.1", port).WaitAsync(s_wait);
        string first = client.Server!.Fingerprint!;
        await Eventually.True(() => server.SecurePeerCount == 1, "the hub's side to be secure");

        // Nothing is sent: only the server's timers can start this rekey.
        time.Advance(options.RekeyAfterTime);
        PeerInfo atClient = await clientRekeyed.Task.WaitAsync(s_wait);
        PeerInfo atServer = await serverRekeyed.Task.WaitAsync(s_wait);
        atClient.Fingerprint.ShouldNotBe(first);
        atClient.Fingerprint.ShouldBe(atServer.Fingerprint);
        atClient.Stage.ShouldBe(SessionStage.Secure);
    }

    [Fact]
    public async Task A_link_whose_keys_are_young_is_not_rekeyed_by_its_timers()
    {
        var time = new FakeTimeProvider();
        var options = new ChatOptions { RekeyAfterTime = TimeSpan.FromMinutes(5), HeartbeatInterval = TimeSpan.FromHours(1), IdleTimeout = TimeSpan.FromHours(2), TickInterval = TimeSpan.FromSeconds(20), Time = time };
        await using var server = new ChatServer(options.FromOneAddress());
        await using var client = new ChatClient(new ChatOptions());
        int port = server.Start("127.0.0.1", 0).Port;
        await client.ConnectAsync("127.0.0.1", port).WaitAsync(s_wait);
        await Eventually.True(() => server.SecurePeerCount == 1, "the hub's side to be secure");

        // The hub's timers look every 20 s (its tick interval), up to a tick before the keys are old enough.
        for (TimeSpan at = options.TickInterval; at < options.RekeyAfterTime; at += options.TickInterval)
        {
            time.Advance(options.TickInterval);
        }

        time.Advance(options.TickInterval - TimeSpan.FromTicks(1));
        server.Peers.Single().Stage.ShouldBe(SessionStage.Secure);
        server.RekeyJobsRun.ShouldBe(0);
        client.Server!.Stage.ShouldBe(SessionStage.Secure);
    }
}
