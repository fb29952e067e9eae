using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Tests.Hub.Groups;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// SECURITY.md's memory bound, checked on a real server process (RSS as the kernel counts it, not the managed heap):
/// many peers that complete the handshake and never read, a chat flood and a nick flood; the process's peak RSS
/// stays under the bound computed from the default limits, and every dropped peer's socket is closed.
/// </summary>
[Collection(HeavyCollection.Name)]
public sealed class ProcessMemoryTests
{
    private const int SilentPeers = 40;
    private const int NickFlooders = 4;
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Peers_that_never_read_plus_chat_and_nick_floods_keep_the_server_process_under_its_computed_bound_and_release_every_socket()
    {
        await using ServerProcess server = await ServerProcess.StartAsync();
        int listenerSockets = server.SocketCount();

        // Warm the code paths once (JIT, pools), then take the baseline.
        await using (var warm = new ChatClient(new ChatOptions { Name = "warm" }))
        {
            await warm.ConnectAsync("127.0.0.1", server.Port).WaitAsync(s_wait);
            await warm.SendAsync("warm");
        }

        await Eventually.True(() => server.StatsAsync().Result.Peers == 0, "the warm-up client to leave", s_wait);
        long baseline = server.StatusBytes("VmRSS");

        // The silent peers and the flooder are members of #lobby's group (they read until the hub's operator added
        // them, then the silent ones read nothing more), so the flooder's texts are relayed to every silent peer.
        LiveGroupMember[] silent = await InLobbyAsync(server.Port, SilentPeers, "silent");
        RawClient[] renamers = await ConnectAllAsync(server.Port, NickFlooders, "renamer");
        LiveGroupMember flooder = (await InLobbyAsync(server.Port, 1, "flooder"))[0];
        await CatchUpAsync(flooder);
        try
        {
            server.SocketCount().ShouldBe(listenerSockets + SilentPeers + NickFlooders + 1);

            // Nick flood: 200 renames each in one write. Each renamer is refused after the burst and cut as a flood, and its socket given up
            // after the linger (it reads nothing, so it never closes its side).
            await Task.WhenAll(renamers.Select(r => r.SendAsync([.. Enumerable.Range(0, 200).SelectMany(i => r.ProduceChat(c => c.SendNick($"{r.LocalPort}-{i}")))])));
            await Eventually.True(() => server.StatsAsync().Result.Peers == SilentPeers + 1, "the renamers to be cut and their sockets given up", s_wait);

            // Chat flood: the largest messages until the hub has dropped every silent peer.
            string text = new('f', ChatOptions.MaxMessageBytes - 64);
            long flooded = 0;
            while ((await server.StatsAsync()).Peers > 1)
            {
                flooded.ShouldBeLessThan(256L << 20, "the silent peers were never dropped");
                for (int i = 0; i < 32; i++)
                {
                    await flooder.Raw.SendAsync(flooder.Say(text));
                    flooded += text.Length;
                }

                // A member keeps its group current: the hub removes a dropped peer whose away queue overflows, by a
                // commit the flooder must process, or its texts are refused as of a stale epoch.
                await CatchUpAsync(flooder);
            }

            (int peers, long unsent, long peak) = await server.StatsAsync();
            long hwm = server.StatusBytes("VmHWM");
            long bound = baseline + Bound(SilentPeers + NickFlooders + 1);
            string figures = $"baseline RSS {baseline >> 20} MiB, peak RSS {hwm >> 20} MiB, bound {bound >> 20} MiB, peak unsent {peak >> 20} MiB, flooded {flooded >> 20} MiB";
            TestContext.Current.SendDiagnosticMessage(figures);
            Console.Error.WriteLine(figures);
            hwm.ShouldBeLessThan(bound, figures);
            peak.ShouldBeLessThan(new ChatOptions().ServerOutput + new ChatOptions().PeerOutput + ((SilentPeers + NickFlooders + 1) * (long)(new ChatOptions().FairShare + MaxRecord)), figures);

            // Every dropped peer's socket is closed: only the listener and the flooder remain.
            await Eventually.True(() => server.SocketCount() == listenerSockets + 1, $"the dropped peers' sockets to close (open: {server.SocketCount()})", TimeSpan.FromSeconds(10));
            peers.ShouldBe(1);
        }
        finally
        {
            foreach (RawClient client in silent.Select(m => m.Raw).Concat(renamers).Append(flooder.Raw))
            {
                await client.DisposeAsync();
            }
        }
    }

    /// <summary>Reads what the hub sent <paramref name="member"/> meanwhile (its Acks at least), for a moment.</summary>
    private static async Task CatchUpAsync(LiveGroupMember member)
    {
        DateTime until = DateTime.UtcNow + TimeSpan.FromMilliseconds(50);
        await member.UntilAsync(_ => DateTime.UtcNow > until);
    }

    /// <summary>The largest frame a session writes: a record of 16,384 plaintext bytes, sealed.</summary>
    internal const int MaxRecord = WireFormat.FrameHeaderSize + WireFormat.FrameBodyMax;

    /// <summary>
    /// SECURITY.md, "Memory": the most a server with <paramref name="peers"/> peers and the default limits holds beyond
    /// its idle baseline. Output: the server-wide budget, one peer's own budget (the crossing), and each peer's fair
    /// share plus one record; every unsent byte may take up to <see cref="OutputFactor"/> bytes (a growing buffer
    /// doubles, and the old copy lives until the collector runs). Plus per peer a receive buffer, a session, and its
    /// received events waiting to be raised (<see cref="ReceiveQueueMax"/>); plus the members' texts waiting for the
    /// hub's operator to show them (<see cref="OperatorQueueMax"/>).
    /// </summary>
    internal static long Bound(int peers)
    {
        var options = new ChatOptions();
        long output = options.ServerOutput + options.PeerOutput + (peers * (long)(options.FairShare + MaxRecord));
        return (OutputFactor * output) + (peers * (PerPeerFixed + ReceiveQueueMax)) + OperatorQueueMax;
    }

    /// <summary>
    /// SECURITY.md, "Memory": what the hub operator's event queue adds of members' texts waiting to be shown: the limit
    /// plus one text past it. It passes that by the texts the links' own queues held when it passed the limit (they
    /// move there, and a link with texts waiting there reads nothing more), which <see cref="ReceiveQueueMax"/> already
    /// counts per peer.
    /// </summary>
    internal static long OperatorQueueMax => ReceiveQueueMax;

    /// <summary>
    /// SECURITY.md, "Memory": the most one link's received events hold while they wait to be raised: the limit, plus what
    /// the last read brought (at most 3 x 4 KiB once the queue is near its limit) and the frame the inbox completed with
    /// it (3 x 16,453), rounded up.
    /// </summary>
    internal static long ReceiveQueueMax => new ChatOptions().ReceiveQueueLimit + (64 * 1024);

    /// <summary>Memory per unsent byte at worst (see <see cref="Bound"/>).</summary>
    internal const int OutputFactor = 4;

    /// <summary>Per peer apart from output: a 64 KiB receive buffer, a frame inbox of one frame, the session and socket.</summary>
    internal const int PerPeerFixed = (64 * 1024) + MaxRecord + (64 * 1024);

    /// <summary>Raw members in #lobby's group (see <see cref="OutputBudgetAttackTests.InLobbyAsync"/>), a few at a time as <see cref="ConnectAllAsync"/> connects.</summary>
    private static async Task<LiveGroupMember[]> InLobbyAsync(int port, int count, string prefix)
    {
        var members = new LiveGroupMember[count];
        using var gate = new SemaphoreSlim(Math.Max(1, (Environment.ProcessorCount * 2) - 1));
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                members[i] = await LiveGroupMember.ConnectAsync(port, $"{prefix}{i}").WaitAsync(s_wait);
            }
            finally
            {
                gate.Release();
            }
        }));
        foreach (LiveGroupMember member in members)
        {
            await member.InLobbyAsync().WaitAsync(TimeSpan.FromMinutes(2));
        }

        return members;
    }

    private static async Task<RawClient[]> ConnectAllAsync(int port, int count, string prefix)
    {
        var clients = new RawClient[count];
        // Fewer at once than twice the server's derivation slots (one per core): at that many the server
        // is under load by its own rule and asks for a puzzle, which these raw clients do not solve.
        using var gate = new SemaphoreSlim(Math.Max(1, (Environment.ProcessorCount * 2) - 1));
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                RawClient client = await RawClient.ConnectAsync(port).WaitAsync(s_wait);
                (await client.HandshakeAsync().WaitAsync(s_wait)).ShouldBeTrue($"{prefix}{i}: {client.Session.Stage}, {client.Session.Failure?.Message ?? "no failure"}");
                await client.SendAsync(client.ProduceChat(c => c.SendNick($"{prefix}{i}")));
                clients[i] = client;
            }
            finally
            {
                gate.Release();
            }
        }));
        return clients;
    }
}
