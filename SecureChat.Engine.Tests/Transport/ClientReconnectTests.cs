using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using SecureChat.Engine.Identity;
using SecureChat.Engine.Session;
using SecureChat.Engine.Session.Trust;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Transport;

/// <summary>
/// A client with <see cref="ChatOptions.Reconnect"/> against real servers on 127.0.0.1: a hub restarted on the same
/// port with the same configuration directory (so the same identity) gets its client back by itself; a server with
/// another identity on that port (a man in the middle, as the client sees it) is refused once and never tried again.
/// The client's clock is a <see cref="FakeTimeProvider"/>: the pauses pass when the test says so.
/// </summary>
public sealed class ClientReconnectTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private sealed class Recorder
    {
        public Recorder(ChatClient client)
        {
            client.Reconnecting += (delay, attempt) => Pauses.Enqueue((delay, attempt));
            client.Established += Established.Enqueue;
            client.Failed += (_, failure) => Failures.Enqueue(failure);
            client.StageChanged += p =>
            {
                if (p.Stage == SessionStage.Connecting)
                {
                    Interlocked.Increment(ref _connects);
                }
            };
        }

        private int _connects;

        public ConcurrentQueue<(TimeSpan Delay, int Attempt)> Pauses { get; } = new();

        public ConcurrentQueue<PeerInfo> Established { get; } = new();

        public ConcurrentQueue<SessionFailure> Failures { get; } = new();

        public int Connects => Volatile.Read(ref _connects);
    }

    /// <summary>A hub whose identity is the one kept in <paramref name="configDir"/> (made on first use).</summary>
    private static (ChatServer Server, IdentityKey Key) Hub(string configDir, int port)
    {
        IdentityKey key = IdentityKey.LoadOrCreate(ConfigDirectory.OpenPath(configDir));
        var server = new ChatServer(new ChatOptions { Name = "Hub", Identity = key }.FromOneAddress());
        server.Start("127.0.0.1", port);
        return (server, key);
    }

    /// <summary>A client that pins its server's identity on first use and refuses another one, as the app does.</summary>
    private ChatClient Client(FakeTimeProvider time)
    {
        var known = new KnownServers(ConfigDirectory.OpenPath(_temp.Combine("client")));
        return new ChatClient(new ChatOptions
        {
            Name = "alice",
            Reconnect = true,
            Time = time,
            HeartbeatInterval = TimeSpan.FromHours(1),
            IdleTimeout = TimeSpan.FromHours(2),
            CheckServerIdentity = (names, peer) => known.Pin(names, peer.PublicKey).State == TrustState.Changed
                ? IdentityVerdict.Refuse("the server's identity changed")
                : IdentityVerdict.Accept(TrustState.Known),
        });
    }

    /// <summary>The <paramref name="number"/>-th pause the client announced, once it has.</summary>
    private static async Task<(TimeSpan Delay, int Attempt)> Pause(Recorder seen, int number, string what)
    {
        await Eventually.True(() => seen.Pauses.Count >= number, what);
        return seen.Pauses.ElementAt(number - 1);
    }

    private static int PortOf(PeerInfo peer) => peer.RemoteEndPoint switch
    {
        System.Net.IPEndPoint ip => ip.Port,
        System.Net.DnsEndPoint dns => dns.Port,
        _ => 0,
    };

    [Fact]
    public async Task A_client_whose_hub_is_stopped_and_started_again_on_the_same_port_reconnects_by_itself()
    {
        // The client's clock starts at the hub's time: its key packages' lifetimes (PROTOCOL.md 4.8) are read by the hub's.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        (ChatServer first, IdentityKey firstKey) = Hub(_temp.Combine("hub"), 0);
        int port = first.LocalEndPoint!.Port;
        await using ChatClient client = Client(time);
        var seen = new Recorder(client);
        await client.ConnectAsync("127.0.0.1", port);

        await first.StopAsync();
        firstKey.Dispose();
        (TimeSpan firstPause, int firstAttempt) = await Pause(seen, 1, "a reconnect announced after the hub stopped");
        firstAttempt.ShouldBe(1);
        firstPause.TotalSeconds.ShouldBeInRange(0.8, 1.2);
        client.Completion.IsCompleted.ShouldBeFalse("a lost link is no end with Reconnect on");

        time.Advance(firstPause); // nobody listens yet: refused, and a longer pause follows
        (TimeSpan secondPause, int secondAttempt) = await Pause(seen, 2, "a second pause after the refused attempt");
        secondAttempt.ShouldBe(2);
        secondPause.TotalSeconds.ShouldBeInRange(1.6, 2.4);
        seen.Failures.Last().Reason.ShouldBe(FailureReason.ConnectionFailed);

        (ChatServer second, IdentityKey secondKey) = Hub(_temp.Combine("hub"), port);
        await using (second)
        using (secondKey)
        {
            var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            second.MessageReceived += m => received.TrySetResult(m.Text);
            time.Advance(secondPause);
            await Eventually.True(() => seen.Established.Count == 2, "the client secure again on the restarted hub");

            output.WriteLine($"pauses: {string.Join(", ", seen.Pauses.Select(p => $"#{p.Attempt} {p.Delay.TotalMilliseconds:F0} ms"))}; connection attempts: {seen.Connects}");
            client.Server!.IsSecure.ShouldBeTrue();
            PortOf(client.Server).ShouldBe(port);
            client.Links.Single().IsSecure.ShouldBeTrue();
            await client.SendAsync("back again");
            (await received.Task.WaitAsync(Eventually.DefaultTimeout)).ShouldBe("back again");
            seen.Pauses.Count.ShouldBe(2);
        }

        await client.StopAsync();
        await client.Completion.WaitAsync(Eventually.DefaultTimeout);
    }

    [Fact]
    public async Task A_client_that_finds_another_identity_on_its_hubs_port_stops_with_the_refusal_and_never_tries_again()
    {
        var time = new FakeTimeProvider();
        (ChatServer first, IdentityKey firstKey) = Hub(_temp.Combine("hub"), 0);
        int port = first.LocalEndPoint!.Port;
        await using ChatClient client = Client(time);
        var seen = new Recorder(client);
        await client.ConnectAsync("127.0.0.1", port);
        await first.StopAsync();
        firstKey.Dispose();

        (ChatServer impostor, IdentityKey impostorKey) = Hub(_temp.Combine("impostor"), port);
        var impostorLinks = new ConcurrentDictionary<int, bool>();
        impostor.StageChanged += p => impostorLinks.TryAdd(p.Id, true);
        var impostorMessages = new ConcurrentQueue<ChatMessage>();
        impostor.MessageReceived += impostorMessages.Enqueue;
        await using (impostor)
        using (impostorKey)
        {
            (TimeSpan pause, _) = await Pause(seen, 1, "a reconnect announced after the hub stopped");
            time.Advance(pause);
            await client.Completion.WaitAsync(Eventually.DefaultTimeout);
            int connectsAtRefusal = seen.Connects;

            // However long the client is left alone, it never goes back.
            for (int i = 0; i < 12; i++)
            {
                time.Advance(TimeSpan.FromMinutes(10));
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
            output.WriteLine($"refusal: {seen.Failures.Last().Message}; connection attempts in all: {seen.Connects}; pauses: {seen.Pauses.Count}; impostor connections: {impostorLinks.Count}");
            seen.Failures.Last().Reason.ShouldBe(FailureReason.IdentityChanged);
            seen.Pauses.Count.ShouldBe(1);
            seen.Connects.ShouldBe(connectsAtRefusal);
            impostorLinks.Count.ShouldBe(1);
            impostorMessages.ShouldBeEmpty();
            await Should.ThrowAsync<InvalidOperationException>(async () => await client.SendAsync("secret"));
        }
    }
}
