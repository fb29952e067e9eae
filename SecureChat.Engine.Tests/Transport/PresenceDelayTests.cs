using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Transport;

/// <summary>
/// A hub sends presence notices at most <see cref="ChatOptions.PresenceDelay"/> late, those of that time together (one
/// write per member instead of one per notice), and chat never waits for them: a message flushes the held notices
/// ahead of itself, in order. Live, over TCP on 127.0.0.1.
/// </summary>
public sealed class PresenceDelayTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_delay = TimeSpan.FromSeconds(3);

    /// <summary>For tests that must not wait for the delay: long, so "did not wait" has room on a loaded machine.</summary>
    private static readonly TimeSpan s_longDelay = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Joins_within_the_delay_reach_a_member_together_and_not_before_the_delay()
    {
        await using var server = new ChatServer(new ChatOptions { Name = "hub", PresenceDelay = s_delay }.FromOneAddress());
        IPEndPoint endPoint = server.Start("127.0.0.1", 0);
        await using var watcher = new ChatClient(new ChatOptions { Name = "watcher" });
        var joins = new ConcurrentQueue<(string Name, long At)>();
        watcher.PresenceChanged += p =>
        {
            if (p.Kind == PresenceKind.Joined && p.Name != "hub") // the client's own notice of the server comes first
            {
                joins.Enqueue((p.Name, Stopwatch.GetTimestamp()));
            }
        };
        await watcher.ConnectAsync("127.0.0.1", endPoint.Port).WaitAsync(s_wait);
        await LobbyGroup.InOneEpochAsync(watcher); // its own Welcome is in: no group record of its join is still to come

        // Joiners that publish no key packages: none is added to #lobby's group within the delay, so no CommitRelay
        // (which goes out after the held notices, in order) carries their joins to the watcher early.
        var joiners = new List<RawClient>();
        var connectedAt = new List<long>();
        try
        {
            foreach (string name in new[] { "b", "c", "d" })
            {
                RawClient joiner = await RawClient.ConnectAsync(endPoint.Port, new Engine.Session.SessionSettings { Role = Engine.Session.SessionRole.Client, Name = name }).WaitAsync(s_wait);
                joiners.Add(joiner);
                (await joiner.HandshakeAsync().WaitAsync(s_wait)).ShouldBeTrue();
                connectedAt.Add(Stopwatch.GetTimestamp());
            }

            await WaitUntil(() => joins.Count == 3);
            (string Name, long At)[] seen = [.. joins];
            seen.Select(j => j.Name).ShouldBe(["b", "c", "d"]);

            // Held for the delay from the first join (b's notice is announced as b's ClientAuth arrives, about when
            // b's handshake returns), then sent with every join made meanwhile.
            TimeSpan held = Stopwatch.GetElapsedTime(connectedAt[0], seen[0].At);
            held.ShouldBeGreaterThan(s_delay - TimeSpan.FromSeconds(1), "the first join was not held"); // less a loaded machine's late continuation
            if (connectedAt[2] < seen[0].At)
            {
                TimeSpan spread = Stopwatch.GetElapsedTime(seen[0].At, seen[2].At);
                // A join that missed the batch would be held a whole delay (3 s) of its own.
                spread.ShouldBeLessThan(TimeSpan.FromSeconds(1), "joins made within the delay came in separate batches");
            }
        }
        finally
        {
            foreach (RawClient joiner in joiners)
            {
                await joiner.DisposeAsync();
            }
        }

        async Task WaitUntil(Func<bool> condition)
        {
            var deadline = Stopwatch.StartNew();
            while (!condition())
            {
                deadline.Elapsed.ShouldBeLessThan(s_wait, $"joins seen: {string.Join(", ", joins.Select(j => j.Name))}");
                await Task.Delay(10);
            }
        }
    }

    [Fact]
    public async Task A_message_does_not_wait_for_the_delay_and_comes_after_the_join_of_its_sender()
    {
        await using var server = new ChatServer(new ChatOptions { Name = "hub", PresenceDelay = s_longDelay }.FromOneAddress());
        IPEndPoint endPoint = server.Start("127.0.0.1", 0);
        await using var watcher = new ChatClient(new ChatOptions { Name = "watcher" });
        var seen = new ConcurrentQueue<(string What, long At)>();
        watcher.PresenceChanged += p => seen.Enqueue(($"{p.Kind} {p.Name}", Stopwatch.GetTimestamp()));
        watcher.MessageReceived += m => seen.Enqueue(($"{m.Sender}: {m.Text}", Stopwatch.GetTimestamp()));
        await watcher.ConnectAsync("127.0.0.1", endPoint.Port).WaitAsync(s_wait);

        await using var sender = new ChatClient(new ChatOptions { Name = "eve" });
        await sender.ConnectAsync("127.0.0.1", endPoint.Port).WaitAsync(s_wait);
        long sent = Stopwatch.GetTimestamp();
        await sender.SendAsync("hello at once");

        var wait = Stopwatch.StartNew();
        while (!seen.Any(s => s.What == "eve: hello at once") && wait.Elapsed < s_wait)
        {
            await Task.Delay(5);
        }

        string[] order = [.. seen.Select(s => s.What).Where(w => w.Contains("eve", StringComparison.Ordinal))];
        order.ShouldBe(["Joined eve", "eve: hello at once"], "the join first, then the message");
        TimeSpan took = Stopwatch.GetElapsedTime(sent, seen.Single(s => s.What == "eve: hello at once").At);
        took.ShouldBeLessThan(s_longDelay / 2, "the message waited for the presence delay");
    }

    [Fact]
    public async Task With_no_delay_a_join_is_sent_at_once()
    {
        await using var server = new ChatServer(new ChatOptions { Name = "hub", PresenceDelay = TimeSpan.Zero }.FromOneAddress());
        IPEndPoint endPoint = server.Start("127.0.0.1", 0);
        await using var watcher = new ChatClient(new ChatOptions { Name = "watcher" });
        var joined = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        watcher.PresenceChanged += p =>
        {
            if (p.Kind == PresenceKind.Joined && p.Name == "b")
            {
                joined.TrySetResult(Stopwatch.GetTimestamp());
            }
        };
        await watcher.ConnectAsync("127.0.0.1", endPoint.Port).WaitAsync(s_wait);

        await using var joiner = new ChatClient(new ChatOptions { Name = "b" });
        await joiner.ConnectAsync("127.0.0.1", endPoint.Port).WaitAsync(s_wait);
        long connected = Stopwatch.GetTimestamp();
        long arrived = await joined.Task.WaitAsync(s_wait);
        TimeSpan.FromTicks(Math.Max(0, (arrived - connected) * TimeSpan.TicksPerSecond / Stopwatch.Frequency)).ShouldBeLessThan(s_longDelay / 2);
    }
}
