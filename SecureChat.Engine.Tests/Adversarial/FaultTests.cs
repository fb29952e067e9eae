using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Hub.Groups;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// Faults rather than attacks: a peer killed in the middle of the handshake or of a message, and a server
/// stopped under load. Every side ends with a clean notice, nothing hangs, no exception escapes.
/// </summary>
public sealed class FaultTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_handler_of_the_operator_s_events_that_throws_stops_neither_the_hub_nor_any_session()
    {
        // The operator's events are raised on the hub's own queue, off every link's reader: an exception in the
        // application's handler must not end the process (an unhandled exception on a pool thread would), nor the
        // queue (the next event must still arrive), nor the session whose message it was.
        await using LiveServer live = LiveServer.Start();
        live.Server.MessageReceived += m =>
        {
            if (m.Text == "boom")
            {
                throw new InvalidOperationException("the handler failed");
            }
        };
        await using var victim = new ChatClient(new ChatOptions { Name = "victim" });
        await using var bystander = new ChatClient(new ChatOptions { Name = "bystander" });
        await victim.ConnectAsync("127.0.0.1", live.Port).WaitAsync(s_wait);
        await bystander.ConnectAsync("127.0.0.1", live.Port).WaitAsync(s_wait);

        await victim.SendAsync("boom");
        await victim.SendAsync("after the throw");
        await bystander.SendAsync("still here");

        await Eventually.True(() => live.CountMessages("still here") == 1 && live.CountMessages("after the throw") == 1, "both later messages to reach the operator");
        victim.CanSend.ShouldBeTrue();
        live.Failures.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_peer_whose_bytes_wait_unread_on_a_busy_server_is_not_dropped_as_idle()
    {
        // The idle limit is for peers that send nothing. When the server itself is behind (here its handler holds the
        // link's reader for 5 s; under overload, a reader waiting its turn on the thread pool), the peer's heartbeats
        // wait in the server's socket: dropping it as "sent nothing for too long" would blame the wrong side.
        var options = new ChatOptions { IdleTimeout = TimeSpan.FromSeconds(2), HeartbeatInterval = TimeSpan.FromMilliseconds(300), TickInterval = TimeSpan.FromMilliseconds(100) };
        await using LiveServer live = LiveServer.Start(options);
        live.Server.MessageReceived += m =>
        {
            if (m.Text == "hold")
            {
                Thread.Sleep(TimeSpan.FromSeconds(5)); // on the link's reader: nothing more is read from this peer meanwhile
            }
        };
        await using var peer = new ChatClient(new ChatOptions { Name = "patient", HeartbeatInterval = TimeSpan.FromMilliseconds(300), IdleTimeout = TimeSpan.FromSeconds(10), TickInterval = TimeSpan.FromMilliseconds(100) });
        await peer.ConnectAsync("127.0.0.1", live.Port).WaitAsync(s_wait);

        await peer.SendAsync("hold");

        // Bytes that wait unread in the server's socket while its reader is held: sent here rather than left to the
        // peer's heartbeat timer, which a loaded machine may run late (the property is about bytes waiting, not
        // about timers).
        await Task.Delay(TimeSpan.FromMilliseconds(200));
        await peer.SendAsync("queued");
        await Task.Delay(TimeSpan.FromSeconds(2.5)); // past the idle limit since the server last read anything
        bool sent = await peer.SendAsync("after").AsTask().ContinueWith(t => t.IsCompletedSuccessfully);
        await Eventually.True(() => live.CountMessages("after") == 1 || !live.Failures.IsEmpty, "the message after the hold, or the server's failure", s_wait);

        live.Failures.Select(f => f.Failure.Message).ShouldBeEmpty();
        sent.ShouldBeTrue("the peer's session was still open");
        live.CountMessages("queued").ShouldBe(1);
        live.CountMessages("after").ShouldBe(1);
    }

    [Fact]
    public async Task A_handshake_whose_next_message_waits_unread_on_a_busy_server_is_not_dropped_at_the_step_deadline()
    {
        // The step deadline is for clients that owe a message and send nothing. When the server is behind (here a
        // handler keeps the link's reader from starting while the server's clock passes the deadline; under
        // overload, a reader waiting its turn), the client's message waits in the server's socket: dropping the client then would blame
        // the wrong side, and drop honest clients exactly when the server is busiest.
        var time = new FakeTimeProvider();
        await using LiveServer live = LiveServer.Start(new ChatOptions { Time = time });
        int held = 0;
        live.Server.StageChanged += p =>
        {
            // Dispatched as the link starts, before its reader does: nothing is read from this client meanwhile.
            if (p.Stage == SessionStage.Connected && Interlocked.Exchange(ref held, 1) == 0)
            {
                Thread.Sleep(TimeSpan.FromSeconds(1)); // the client's ClientHello arrives, and waits
                time.Advance(new ChatOptions().HandshakeStepTimeout + TimeSpan.FromSeconds(1)); // the step deadline fires on this thread
            }
        };
        await using RawClient client = await RawClient.ConnectAsync(live.Port);

        bool secure = await client.HandshakeAsync();

        held.ShouldBe(1, "the reader was held");
        string failures = string.Join("; ", live.Failures.Select(f => $"{f.Failure.Reason}: {f.Failure.Message}"));
        secure.ShouldBeTrue(failures);
        await client.SendAsync(client.ProduceChat(c => c.SendRequest(RoomOp.List, string.Empty, string.Empty, string.Empty)));
        await client.PumpUntilAsync(() => client.Events.OfType<RoomInfoEvent>().Any(e => e.Kind == RoomInfoKind.ListEnd) || !live.Failures.IsEmpty, s_wait);
        live.Failures.Select(f => f.Failure.Message).ShouldBeEmpty();
        client.Events.OfType<RoomInfoEvent>().ShouldContain(e => e.Kind == RoomInfoKind.ListEnd, "the hub answers the request");
    }

    [Fact]
    public async Task A_peer_killed_mid_handshake_is_a_lost_connection_for_that_session_only()
    {
        await using LiveServer live = LiveServer.Start();
        await using RawClient victim = await RawClient.ConnectAsync(live.Port);
        victim.Session.Start();
        await victim.SendAsync(victim.TakeOutput());
        (await victim.ReadFrameAsync()).ShouldNotBeNull()[0].ShouldBe((byte)FrameType.ServerHello);

        victim.Abort();

        (await live.FailureFor(victim.LocalPort)).Reason.ShouldBe(FailureReason.ConnectionLost);
        await live.ShouldStillServeAnHonestClient();
    }

    [Fact]
    public async Task A_peer_killed_mid_message_loses_only_that_message_and_is_reported_away()
    {
        await using LiveServer live = LiveServer.Start();
        var left = new TaskCompletionSource<PresenceNotice>(TaskCreationOptions.RunContinuationsAsynchronously);
        live.Server.PresenceChanged += n =>
        {
            if (n.Kind == PresenceKind.Away) // its identity stays in its rooms (PROTOCOL.md 4.8)
            {
                left.TrySetResult(n);
            }
        };
        await using LiveGroupMember victim = await LiveGroupMember.ConnectAsync(live.Port, "victim");
        await victim.InLobbyAsync();
        byte[] record = victim.Say("half of this never arrives");

        await victim.Raw.SendAsync(record[..(record.Length / 2)]);
        await Task.Delay(100);
        victim.Raw.Abort();

        (await live.FailureFor(victim.Raw.LocalPort)).Reason.ShouldBe(FailureReason.ConnectionLost);
        (await left.Task.WaitAsync(s_wait)).Name.ShouldBe("victim");
        live.CountMessages("half of this never arrives").ShouldBe(0);
        await live.ShouldStillServeAnHonestClient();
    }

    [Fact]
    public async Task A_client_whose_server_dies_mid_handshake_gets_a_clear_error_not_a_hang()
    {
        await using LiveServer live = LiveServer.Start(new ChatOptions { Iterations = 5_000_000, MaxIterations = 5_000_000, HandshakeTimeout = TimeSpan.FromMinutes(2) });
        await using var client = new ChatClient(new ChatOptions { Iterations = 5_000_000, MaxIterations = 5_000_000, HandshakeTimeout = TimeSpan.FromMinutes(2) });
        var stopping = new TaskCompletionSource<Task>(TaskCreationOptions.RunContinuationsAsynchronously);
        live.Server.StageChanged += p =>
        {
            if (p.Stage == SessionStage.DerivingKey && !stopping.Task.IsCompleted)
            {
                // The server's PBKDF2 starts only once this handler returns: stop the server and hold the handler
                // until the link has ended, so the server dies mid-handshake however slowly this machine runs.
                Task stop = live.Server.StopAsync();
                SpinWait.SpinUntil(() => live.Server.Peers.All(l => l.IsEnded), TimeSpan.FromSeconds(30));
                stopping.TrySetResult(stop);
            }
        };
        Task connecting = client.ConnectAsync("127.0.0.1", live.Port);
        await (await stopping.Task.WaitAsync(TimeSpan.FromSeconds(60))).WaitAsync(s_wait);

        var error = await Should.ThrowAsync<ChatConnectionException>(() => connecting.WaitAsync(s_wait));
        error.Failure.Reason.ShouldBeOneOf([FailureReason.ConnectionLost, FailureReason.ServerShuttingDown], error.Message);
    }

    [Fact]
    public async Task A_server_stopped_under_load_ends_every_client_cleanly()
    {
        LiveServer live = LiveServer.Start();
        var clients = new List<ChatClient>();
        var ended = new ConcurrentDictionary<string, string>();
        for (int i = 0; i < 8; i++)
        {
            var client = new ChatClient(new ChatOptions { Name = "load" + i });
            string name = client.Name;
            client.Closed += (_, byPeer) => ended.TryAdd(name, byPeer ? "closed by server" : "closed here");
            client.Failed += (_, f) => ended.TryAdd(name, f.Message);
            await client.ConnectAsync("127.0.0.1", live.Port).WaitAsync(s_wait);
            clients.Add(client);
        }

        using var stopSending = new CancellationTokenSource();
        var unexpected = new ConcurrentQueue<Exception>();
        Task[] senders = [.. clients.Select(c => Task.Run(async () =>
        {
            try
            {
                for (int n = 0; !stopSending.IsCancellationRequested; n++)
                {
                    await c.SendAsync($"{c.Name} {n}", stopSending.Token);
                }
            }
            catch (InvalidOperationException)
            {
                // "the connection is closed": the expected way for a send loop to learn the server left.
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception e)
            {
                unexpected.Enqueue(e);
            }
        }))];
        await Eventually.True(() => live.Messages.Count > 500, "traffic to build up");

        // Bounded by each link's 2 s linger once its Close is sealed; the wide margin is for a loaded machine (the whole
        // suite runs beside it), and a hang still fails, saying what each link was doing.
        Task stopping = live.Server.StopAsync();
        if (await Task.WhenAny(stopping, Task.Delay(TimeSpan.FromSeconds(90))) != stopping)
        {
            var links = live.Server.Peers;
            throw new TimeoutException($"the server did not stop within 90 s: {links.Count} links left ({string.Join(", ", links.GroupBy(p => p.Stage).Select(g => $"{g.Key}:{g.Count()}"))}), {live.Server.UnsentBytes.Now} bytes unsent; clients: {string.Join("; ", clients.Select(c => c.Server?.Stage))}");
        }

        await stopping;
        await Task.WhenAll(clients.Select(c => c.Completion)).WaitAsync(s_wait);
        stopSending.Cancel();
        await Task.WhenAll(senders).WaitAsync(s_wait);
        unexpected.ShouldBeEmpty();
        ended.Count.ShouldBe(clients.Count);
        ended.Values.ShouldAllBe(v => v == "closed by server" || v == "the server is shutting down" || v == "the connection was lost", string.Join("; ", ended.Values));
        foreach (ChatClient client in clients)
        {
            await client.DisposeAsync();
        }
    }
}
