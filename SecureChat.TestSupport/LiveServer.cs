using System.Collections.Concurrent;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.TestSupport;

/// <summary>
/// A real <see cref="ChatServer"/> on 127.0.0.1 with everything it reports recorded, and a check that it still
/// serves an honest client after an attack.
/// </summary>
internal sealed class LiveServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<int, IHubGroupRecords> _groupRecordOwners = new();
    private int _probes;

    private LiveServer(ChatServer server, int port)
    {
        Server = server;
        Port = port;
    }

    public ChatServer Server { get; }

    public int Port { get; }

    public ConcurrentQueue<(PeerInfo Peer, SessionFailure Failure)> Failures { get; } = new();

    public ConcurrentQueue<ChatMessage> Messages { get; } = new();

    public ConcurrentQueue<(PeerInfo Peer, bool ByPeer)> Closes { get; } = new();

    /// <summary>Every rekey the server completed, by link.</summary>
    public ConcurrentQueue<PeerInfo> Rekeys { get; } = new();

    /// <summary>Every peer Close that said some of the server's chat messages never arrived, with how many.</summary>
    public ConcurrentQueue<(PeerInfo Peer, int Count)> Lost { get; } = new();

    /// <param name="sourceLimits">
    /// False (the default): the per-source limits are raised, since every test client comes from 127.0.0.1
    /// (<see cref="LoopbackLimits"/>); true for the tests of those limits.
    /// </param>
    public static LiveServer Start(ChatOptions? options = null, bool sourceLimits = false)
    {
        options ??= new ChatOptions();
        var server = new ChatServer(sourceLimits ? options : options.FromOneAddress());
        int port = server.Start("127.0.0.1", 0).Port;
        var live = new LiveServer(server, port);
        Func<Link, IHubGroupRecords?> hub = server.GroupRecordsFor ?? throw new InvalidOperationException("the hub takes no group records");
        server.GroupRecordsFor = link => new PortRoutedGroupRecords(link, hub(link)!, live._groupRecordOwners);
        server.Failed += (peer, failure) => live.Failures.Enqueue((peer, failure));
        server.MessageReceived += live.Messages.Enqueue;
        server.Closed += (peer, byPeer) => live.Closes.Enqueue((peer, byPeer));
        server.Rekeyed += live.Rekeys.Enqueue;
        server.MessagesLost += (peer, count) => live.Lost.Enqueue((peer, count));
        return live;
    }

    /// <summary>
    /// From now on the group records (KeyPackages, GroupCommit, GroupMessage) of the link from
    /// <paramref name="clientPort"/> go to <paramref name="owner"/> instead of the hub; every other link's, an honest
    /// client's included, still go to the hub, so it can still be added to #lobby's group and served.
    /// </summary>
    public void HandGroupRecordsOf(int clientPort, IHubGroupRecords owner) => _groupRecordOwners[clientPort] = owner;

    /// <summary>The failure the server reported for the connection from <paramref name="clientPort"/>.</summary>
    public Task<SessionFailure> FailureFor(int clientPort, TimeSpan? timeout = null) =>
        Eventually.Value(
            () => Failures.FirstOrDefault(f => PortOf(f.Peer) == clientPort).Failure,
            $"the server to fail the session from port {clientPort}",
            timeout);

    public bool HasFailureFor(int clientPort) => Failures.Any(f => PortOf(f.Peer) == clientPort);

    public int CountMessages(string text) => Messages.Count(m => m.Text == text);

    public int CountRekeys(int clientPort) => Rekeys.Count(p => PortOf(p) == clientPort);

    /// <summary>An honest client connects, both sides exchange a message, and the client leaves.</summary>
    public async Task ShouldStillServeAnHonestClient(TimeSpan? timeout = null)
    {
        TimeSpan limit = timeout ?? Eventually.DefaultTimeout;
        int probe = Interlocked.Increment(ref _probes);
        await using var client = new ChatClient(new ChatOptions { Name = "honest" + probe });
        var reply = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.MessageReceived += m =>
        {
            if (m.Text.StartsWith("reply ", StringComparison.Ordinal))
            {
                reply.TrySetResult(m.Text);
            }
        };
        var clientFailures = new ConcurrentQueue<SessionFailure>();
        client.Failed += (_, f) => clientFailures.Enqueue(f);
        try
        {
            await client.ConnectAsync("127.0.0.1", Port).WaitAsync(limit);
            string text = $"honest message {probe}";
            await client.SendAsync(text);
            await Eventually.True(() => CountMessages(text) == 1, "the honest message to reach the server", limit);
            await Server.SendAsync("reply " + probe);
            (await reply.Task.WaitAsync(limit)).ShouldBe("reply " + probe);
        }
        catch (Exception e) when (e is not ShouldAssertException)
        {
            // Say why: what the client was told, and every failure the server reported (by the peer's port).
            string server = string.Join("; ", Failures.Select(f => $"{PortOf(f.Peer)} {f.Failure.Reason}: {f.Failure.Message}"));
            string told = string.Join("; ", clientFailures.Select(f => $"{f.Reason}: {f.Message}"));
            throw new ShouldAssertException(
                $"the honest client {probe} was not served: {e.GetType().Name}: {e.Message}; client failures: [{told}]; server failures: [{server}]; client stage {client.Server?.Stage}", e);
        }
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();

    public static int PortOf(PeerInfo peer) => peer.RemoteEndPoint is System.Net.IPEndPoint ip ? ip.Port : -1;
}
