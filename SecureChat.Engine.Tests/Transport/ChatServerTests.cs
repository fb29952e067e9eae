using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Transport;

public sealed class ChatServerTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(DhGroupId.Ffdhe2048)]
    [InlineData(DhGroupId.Ffdhe3072)]
    [InlineData(DhGroupId.Ffdhe4096)]
    public async Task A_client_and_server_over_tcp_agree_on_fingerprint_and_sas_and_chat_both_ways(DhGroupId group)
    {
        await using var server = new ChatServer(new ChatOptions { Group = group }.FromOneAddress());
        await using var client = new ChatClient(new ChatOptions { Name = "alice", Group = group });
        IPEndPoint endPoint = server.Start("127.0.0.1", 0);
        var serverInbox = new BlockingCollection<ChatMessage>();
        var serverEstablished = new TaskCompletionSource<PeerInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.MessageReceived += serverInbox.Add;
        server.Established += p => serverEstablished.TrySetResult(p);

        var clientInbox = new BlockingCollection<ChatMessage>();
        client.MessageReceived += clientInbox.Add;
        await client.ConnectAsync("127.0.0.1", endPoint.Port).WaitAsync(s_wait);
        PeerInfo serverView = await serverEstablished.Task.WaitAsync(s_wait);

        PeerInfo clientView = client.Server!;
        clientView.Stage.ShouldBe(SessionStage.Secure);
        clientView.Group.ShouldBe(group);
        clientView.Fingerprint.ShouldNotBeNull();
        clientView.Fingerprint.ShouldBe(serverView.Fingerprint);
        clientView.Sas.ShouldBe(serverView.Sas);

        await client.SendAsync("hello 👋 server");
        serverInbox.TryTake(out ChatMessage? atServer, s_wait).ShouldBeTrue();
        atServer!.Text.ShouldBe("hello 👋 server");
        atServer.Sender.ShouldBe("alice");

        await server.SendAsync("hi alice");
        clientInbox.TryTake(out ChatMessage? atClient, s_wait).ShouldBeTrue();
        atClient!.Text.ShouldBe("hi alice");
        atClient.Sender.ShouldBe("Server");
    }

    [Fact]
    public async Task In_a_hub_of_ten_clients_every_message_reaches_every_other_client_exactly_once_with_the_sender_s_name_and_identity()
    {
        const int count = 10;
        EphemeralSigner[] keys = [.. Enumerable.Range(0, count + 1).Select(_ => new EphemeralSigner())]; // the clients', then the operator's
        string[] identities = [.. keys.Select(k => IdentityFingerprint.Of(k.PublicKey))];
        await using var server = new ChatServer(new ChatOptions { Name = "hub", Identity = keys[count] }.FromOneAddress());
        IPEndPoint endPoint = server.Start("127.0.0.1", 0);
        var joinedAtServer = new ConcurrentDictionary<string, byte>();
        var allJoined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.PresenceChanged += p =>
        {
            if (p.Kind == PresenceKind.Joined && joinedAtServer.TryAdd(p.Name, 0) && joinedAtServer.Count == count)
            {
                allJoined.TrySetResult();
            }
        };
        var atServer = new ConcurrentQueue<ChatMessage>();
        server.MessageReceived += atServer.Enqueue;

        // Each client expects one message from each of the nine others and one from the operator.
        const int expected = count;
        var clients = new List<ChatClient>();
        var inboxes = new List<ConcurrentQueue<ChatMessage>>();
        var complete = new List<TaskCompletionSource>();
        try
        {
            for (int i = 0; i < count; i++)
            {
                var client = new ChatClient(new ChatOptions { Name = $"c{i}", Identity = keys[i] });
                var inbox = new ConcurrentQueue<ChatMessage>();
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                client.MessageReceived += m =>
                {
                    inbox.Enqueue(m);
                    if (inbox.Count >= expected)
                    {
                        done.TrySetResult();
                    }
                };
                clients.Add(client);
                inboxes.Add(inbox);
                complete.Add(done);
            }

            await Task.WhenAll(clients.Select(c => c.ConnectAsync("127.0.0.1", endPoint.Port))).WaitAsync(s_wait);
            await allJoined.Task.WaitAsync(s_wait);
            server.SecurePeerCount.ShouldBe(count);
            await LobbyGroup.InOneEpochAsync(clients); // a member reads only the texts of epochs it was in

            await Task.WhenAll(clients.Select((c, i) => c.SendAsync($"hello from c{i}").AsTask())).WaitAsync(s_wait);
            await server.SendAsync("hello from the operator");
            await Task.WhenAll(complete.Select(t => t.Task)).WaitAsync(s_wait);

            // Give a duplicate time to show up before counting.
            await Task.Delay(300);
            // A relayed message carries its sender's identity as the hub vouches for it; the operator's is the server's own.
            for (int i = 0; i < count; i++)
            {
                string[] expectedLines = [.. Enumerable.Range(0, count).Where(j => j != i).Select(j => $"c{j} relayed {identities[j]}: hello from c{j}"), $"hub direct {identities[count]}: hello from the operator"];
                inboxes[i].Select(m => $"{m.Sender} {(m.Relayed ? "relayed" : "direct")} {m.SenderIdentity}: {m.Text}").Order().ShouldBe(expectedLines.Order(), $"client c{i}");
            }

            atServer.Select(m => $"{m.Sender} {m.SenderIdentity}: {m.Text}").Order().ShouldBe(Enumerable.Range(0, count).Select(j => $"c{j} {identities[j]}: hello from c{j}").Order());
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask())).WaitAsync(s_wait);
            foreach (EphemeralSigner key in keys)
            {
                key.Dispose();
            }
        }
    }

    [Fact]
    public async Task Clients_joining_at_the_same_time_each_hear_of_every_other_member_exactly_once()
    {
        // A newcomer learns who is there (Member) and hears of later joins (Joined): a member announced while another
        // client was joining must reach that client one way or the other, never both, never neither.
        const int count = 24;
        await using var server = new ChatServer(new ChatOptions { Name = "hub" }.FromOneAddress());
        IPEndPoint endPoint = server.Start("127.0.0.1", 0);
        int joinedAtServer = 0;
        var allJoined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.PresenceChanged += p =>
        {
            if (p.Kind == PresenceKind.Joined && Interlocked.Increment(ref joinedAtServer) == count)
            {
                allJoined.TrySetResult();
            }
        };
        var clients = new List<ChatClient>();
        var heard = new List<ConcurrentQueue<(PresenceKind Kind, string? Identity)>>();
        var signers = new List<EphemeralSigner>();
        try
        {
            for (int i = 0; i < count; i++)
            {
                var signer = new EphemeralSigner(); // one identity each (the default is one per process)
                signers.Add(signer);
                var client = new ChatClient(new ChatOptions { Name = $"c{i}", Identity = signer });
                var notices = new ConcurrentQueue<(PresenceKind, string?)>();
                client.PresenceChanged += p => notices.Enqueue((p.Kind, p.Identity));
                clients.Add(client);
                heard.Add(notices);
            }

            await Task.WhenAll(clients.Select(c => c.ConnectAsync("127.0.0.1", endPoint.Port))).WaitAsync(s_wait);
            await allJoined.Task.WaitAsync(s_wait); // a client is secure before the server has its ClientAuth and joins it
            string[] identities = [.. server.Peers.Select(p => p.Identity!)];
            identities.Length.ShouldBe(count);

            // Every client has heard of the others once the operator's marker, sealed after every notice, arrives (in
            // #lobby's group, once every client is a member of it: a member reads only the texts of epochs it was in).
            await LobbyGroup.InOneEpochAsync(clients);
            var markers = clients.Select(c =>
            {
                var marker = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                c.MessageReceived += m => marker.TrySetResult();
                return marker.Task;
            }).ToArray();
            await server.SendAsync("marker");
            await Task.WhenAll(markers).WaitAsync(s_wait);

            for (int i = 0; i < count; i++)
            {
                string own = IdentityOf(clients[i]);
                var members = heard[i].Where(n => n.Kind is PresenceKind.Member or PresenceKind.Joined && n.Identity != null && identities.Contains(n.Identity)).ToList();
                members.Where(n => n.Identity != own).GroupBy(n => n.Identity).ShouldAllBe(
                    g => g.Count() == 1, $"c{i} heard of some member more than once: {string.Join(", ", members.GroupBy(n => n.Identity).Where(g => g.Count() > 1).Select(g => string.Join("+", g.Select(n => n.Kind))))}");
                members.Count(n => n.Identity != own).ShouldBe(count - 1, $"c{i} heard of every other member");
            }
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask())).WaitAsync(s_wait);
            signers.ForEach(s => s.Dispose());
        }

        string IdentityOf(ChatClient client) => server.Peers.Single(p => p.Name == client.Name).Identity!;
    }

    [Fact]
    public async Task Clients_and_the_server_see_a_peer_join_and_leave()
    {
        await using var server = new ChatServer(new ChatOptions().FromOneAddress());
        IPEndPoint endPoint = server.Start("127.0.0.1", 0);
        var serverNotices = new ConcurrentQueue<PresenceNotice>();
        var serverSawBobLeave = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.PresenceChanged += p =>
        {
            serverNotices.Enqueue(p);
            if (p is { Kind: PresenceKind.Away, Name: "bob" })
            {
                serverSawBobLeave.TrySetResult();
            }
        };

        await using var alice = new ChatClient(new ChatOptions { Name = "alice" });
        var aliceSawBobJoin = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var aliceSawBobLeave = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        alice.PresenceChanged += p =>
        {
            if (p is { Kind: PresenceKind.Joined, Name: "bob" })
            {
                aliceSawBobJoin.TrySetResult();
            }
            else if (p is { Kind: PresenceKind.Away, Name: "bob" })
            {
                aliceSawBobLeave.TrySetResult();
            }
        };
        await alice.ConnectAsync("127.0.0.1", endPoint.Port).WaitAsync(s_wait);

        var bob = new ChatClient(new ChatOptions { Name = "bob" });
        await bob.ConnectAsync("127.0.0.1", endPoint.Port).WaitAsync(s_wait);
        await aliceSawBobJoin.Task.WaitAsync(s_wait);
        await bob.StopAsync().WaitAsync(s_wait);
        await aliceSawBobLeave.Task.WaitAsync(s_wait);
        await serverSawBobLeave.Task.WaitAsync(s_wait);

        serverNotices.Where(n => n.Name == "bob").Select(n => n.Kind).ShouldBe([PresenceKind.Joined, PresenceKind.Away], "a member whose link ends stays in its rooms, away");
        serverNotices.Where(n => n.Name == "alice").Select(n => n.Kind).ShouldBe([PresenceKind.Joined]);
    }

    [Fact]
    public async Task Connecting_to_a_closed_port_fails_with_a_message_saying_connection_refused()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        await using var client = new ChatClient(new ChatOptions());
        ChatConnectionException e = await Should.ThrowAsync<ChatConnectionException>(client.ConnectAsync("127.0.0.1", port).WaitAsync(s_wait));
        e.Message.ShouldContain("connection refused");
        e.Message.ShouldContain($"127.0.0.1:{port}");
        e.Failure.Reason.ShouldBe(FailureReason.ConnectionFailed);
    }

    [Fact]
    public async Task A_connection_that_sends_nothing_is_cut_at_the_handshake_deadline_while_a_normal_client_still_connects()
    {
        // Long enough that the honest client, whose handshake runs under the same deadline, finishes in time while
        // both test assemblies load the machine; the silent one must still not be cut before it.
        // (The step deadline, 5 s by default, is set above it so the whole-handshake deadline is the one tested.)
        TimeSpan deadline = TimeSpan.FromSeconds(8);
        await using var server = new ChatServer(new ChatOptions { HandshakeTimeout = deadline, HandshakeStepTimeout = TimeSpan.FromMinutes(1) }.FromOneAddress());
        IPEndPoint endPoint = server.Start("127.0.0.1", 0);
        var timedOut = new TaskCompletionSource<SessionFailure>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Failed += (_, failure) =>
        {
            if (failure.Reason == FailureReason.HandshakeTimeout)
            {
                timedOut.TrySetResult(failure);
            }
        };

        using var silent = new TcpClient();
        await silent.ConnectAsync(IPAddress.Loopback, endPoint.Port).WaitAsync(s_wait);
        var started = System.Diagnostics.Stopwatch.StartNew();

        await using var honest = new ChatClient(new ChatOptions { Name = "honest" });
        await honest.ConnectAsync("127.0.0.1", endPoint.Port).WaitAsync(s_wait);
        honest.Server!.Stage.ShouldBe(SessionStage.Secure);

        // The silent peer gets at most an Alert, then end of stream.
        NetworkStream stream = silent.GetStream();
        byte[] buffer = new byte[64];
        int total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer.AsMemory(total)).AsTask().WaitAsync(s_wait)) > 0)
        {
            total += read;
        }

        started.Elapsed.ShouldBeGreaterThan(deadline - TimeSpan.FromMilliseconds(500));
        (await timedOut.Task.WaitAsync(s_wait)).Message.ShouldContain("did not finish in time");
        if (total > 0)
        {
            buffer[0].ShouldBe((byte)FrameType.Alert);
            buffer[WireFormat.FrameHeaderSize].ShouldBe((byte)AlertCode.Timeout);
        }

        honest.Server!.Stage.ShouldBe(SessionStage.Secure, "the honest link outlives the silent one");
    }

    [Fact]
    public async Task A_passphrase_mismatch_over_tcp_fails_both_sides_saying_the_passphrases_differ()
    {
        await using var server = new ChatServer(new ChatOptions { Passphrase = "server secret"u8.ToArray() }.FromOneAddress());
        IPEndPoint endPoint = server.Start("127.0.0.1", 0);
        var serverFailure = new TaskCompletionSource<SessionFailure>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Failed += (_, failure) => serverFailure.TrySetResult(failure);
        var serverEstablished = false;
        server.Established += _ => serverEstablished = true;

        await using var client = new ChatClient(new ChatOptions { Passphrase = "client secret"u8.ToArray() });
        ChatConnectionException e = await Should.ThrowAsync<ChatConnectionException>(client.ConnectAsync("127.0.0.1", endPoint.Port).WaitAsync(s_wait));
        e.Failure.Reason.ShouldBe(FailureReason.KeyConfirmationFailed);
        e.Message.ShouldContain("passphrases differ");

        SessionFailure atServer = await serverFailure.Task.WaitAsync(s_wait);
        atServer.Reason.ShouldBe(FailureReason.KeyConfirmationFailed);
        atServer.Message.ShouldContain("passphrases differ");
        serverEstablished.ShouldBeFalse();
    }

    [Fact]
    public async Task A_hello_answered_with_a_puzzle_ends_its_link_with_one_puzzle_sent_event_and_no_failure()
    {
        await using var server = new ChatServer(new ChatOptions { Puzzle = PuzzleMode.Always, PuzzleBits = 8 }.FromOneAddress());
        IPEndPoint endPoint = server.Start("127.0.0.1", 0);
        var puzzled = new ConcurrentQueue<PeerInfo>();
        var failures = new ConcurrentQueue<SessionFailure>();
        var established = new TaskCompletionSource<PeerInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.PuzzleSent += puzzled.Enqueue;
        server.Failed += (_, failure) => failures.Enqueue(failure);
        server.Established += p => established.TrySetResult(p);

        await using var client = new ChatClient(new ChatOptions { Name = "bob" });
        await client.ConnectAsync("127.0.0.1", endPoint.Port).WaitAsync(s_wait);
        PeerInfo secure = await established.Task.WaitAsync(s_wait);

        PeerInfo turnedAway = puzzled.ShouldHaveSingleItem();
        turnedAway.Id.ShouldNotBe(secure.Id, "the answer comes back on a new connection");
        turnedAway.Stage.ShouldBe(SessionStage.Failed);
        failures.ShouldBeEmpty();
        server.Links.Select(l => l.Id).ShouldBe([secure.Id]);
    }

    [Fact]
    public async Task A_port_bound_before_its_server_exists_keeps_a_client_waiting_until_the_server_starts_on_it()
    {
        using BoundPort port = BoundPort.Bind("127.0.0.1", 0);
        await using var client = new ChatClient(new ChatOptions { Name = "early" });
        Task connecting = client.ConnectAsync("127.0.0.1", port.LocalEndPoint.Port);
        await Task.Delay(200);
        connecting.IsCompleted.ShouldBeFalse("nothing accepts yet: the connection waits in the backlog");

        await using var server = new ChatServer(new ChatOptions().FromOneAddress());
        server.Start(port).ShouldBe(port.LocalEndPoint);
        await connecting.WaitAsync(s_wait);
        client.Server!.Stage.ShouldBe(SessionStage.Secure);
        await using var second = new ChatServer(new ChatOptions());
        Should.Throw<InvalidOperationException>(() => second.Start(port), "a port is handed over once");
    }

    [Fact]
    public void A_bound_port_no_server_took_is_let_go_when_disposed()
    {
        int number;
        using (BoundPort port = BoundPort.Bind("127.0.0.1", 0))
        {
            number = port.LocalEndPoint.Port;
            Should.Throw<ChatConnectionException>(() => BoundPort.Bind("127.0.0.1", number)).Message.ShouldContain($"127.0.0.1:{number}");
        }

        using BoundPort again = BoundPort.Bind("127.0.0.1", number);
        again.LocalEndPoint.Port.ShouldBe(number);
    }
}
