using SecureChat.Engine.Crypto;
using System.Net;
using System.Net.Sockets;
using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;
using SecureChat.Tui.App;
using SecureChat.Tui.CommandLine;
using SecureChat.Tui.Tests.Support;
using SecureChat.Tui.Views;

namespace SecureChat.Tui.Tests.App;

/// <summary>The model alone, telling a recording view: what it decides, whatever the view.</summary>
public sealed class ChatModelTests
{
    private static readonly TimeSpan s_wait = LoopbackPair.Wait;

    [Fact]
    public async Task The_status_never_shows_a_secure_stage_without_the_key_hash_of_that_link_also_across_a_rekey()
    {
        await using var pair = new LoopbackPair();
        var clientView = new RecordingView();
        var serverView = new RecordingView();
        var client = new ChatModel(pair.Client, isServer: false, clientView, new ScreenWords());
        var server = new ChatModel(pair.Server, isServer: true, serverView, new ScreenWords());
        try
        {
            await pair.ConnectAsync();
            await pair.ClientJoined;
            await client.EnterAsync("/rekey");
            clientView.WaitForLine(l => l.Text.StartsWith("new keys with Server", StringComparison.Ordinal), s_wait, "the client's rekey");
            serverView.WaitForLine(l => l.Text.StartsWith("new keys with Client", StringComparison.Ordinal), s_wait, "the server's rekey");
            string key = pair.Client.Server!.Fingerprint!;
            pair.Server.Links.Single().Fingerprint.ShouldBe(key);

            foreach (RecordingView view in new[] { clientView, serverView })
            {
                ChatStatus[] secure = [.. view.Statuses.Where(s => s.Stage is "secure" or "rekeying")];
                secure.ShouldNotBeEmpty();
                secure.ShouldAllBe(s => s.KeyHash != null, "a secure stage comes with its key hash");
                view.Statuses.Where(s => s.KeyHash != null).ShouldAllBe(s => s.Stage == "secure" || s.Stage == "rekeying", "no key hash before the link is secure");
                view.Statuses[^1].KeyHash.ShouldBe(key);
            }
        }
        finally
        {
            client.Detach();
            server.Detach();
        }
    }

    [Fact]
    public async Task Messages_a_client_never_received_before_its_Close_are_reported_to_the_server_operator()
    {
        await using var server = new ChatServer(new ChatOptions { Name = "Alice" });
        int port = server.Start("127.0.0.1", 0).Port;
        var view = new RecordingView();
        var model = new ChatModel(server, isServer: true, view, new ScreenWords());
        try
        {
            // A client that completes the handshake and publishes key packages, so that the operator adds it to
            // #lobby's group and its texts reach it as GroupRelays; then it reads nothing more and closes: its Close
            // says it received none of the operator's messages.
            using var identity = new EphemeralSigner();
            byte[] signingKey = ((ISeedSigner)identity).ExportSeed();
            await using RawClient client = await RawClient.ConnectAsync(port, new SessionSettings { Role = SessionRole.Client, Identity = identity });
            client.Session.Start();
            await client.PumpUntilAsync(() => client.Session.IsSecure);
            view.WaitForLine(l => l.Text.StartsWith("secure connection", StringComparison.Ordinal), s_wait, "the server to confirm the client's keys");
            ulong now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            byte[][] keyPackages = [.. Enumerable.Range(0, 3).Select(_ => MlsMessage.Of(KeyPackageFactory.Create(CipherSuite.Suite1, identity.PublicKey, signingKey, now).KeyPackage).Encode())];
            await client.SendAsync(client.ProduceChat(chat => chat.Groups.SendKeyPackages(keyPackages, lastResort: true)));
            view.WaitForLine(l => l.Text.StartsWith("encryption: anonymous", StringComparison.Ordinal) && l.Text.Contains("was added by", StringComparison.Ordinal), s_wait, "the operator to add the client to #lobby's group");
            for (int i = 1; i <= 3; i++)
            {
                await model.EnterAsync($"message {i}");
            }

            await client.CloseAsync();
            ChatLine lost = view.WaitForLine(l => l.Text.Contains("did not arrive", StringComparison.Ordinal), s_wait, "the lost messages to be reported");
            lost.Kind.ShouldBe(LineKind.Error);
            lost.Text.ShouldStartWith("3 messages you sent to anonymous did not arrive");
        }
        finally
        {
            model.Detach();
        }
    }

    [Fact]
    public async Task Names_on_a_hub_client_tells_the_operator_from_a_relayed_member_by_identity()
    {
        using var aliceKey = new EphemeralSigner();
        using var bobKey = new EphemeralSigner();
        using var carolKey = new EphemeralSigner();
        await using var server = new ChatServer(new ChatOptions { Name = "Alice", Identity = aliceKey });
        int port = server.Start("127.0.0.1", 0).Port;
        await using var bob = new ChatClient(new ChatOptions { Name = "Bob", Identity = bobKey });
        await using var carol = new ChatClient(new ChatOptions { Name = "Carol", Identity = carolKey });
        var view = new RecordingView();
        var model = new ChatModel(carol, isServer: false, view, new ScreenWords());
        try
        {
            await bob.ConnectAsync("127.0.0.1", port).WaitAsync(s_wait);
            await carol.ConnectAsync("127.0.0.1", port).WaitAsync(s_wait);
            view.WaitForLine(l => l.Text == "Bob is here" || l.Text == "Bob joined", s_wait, "Bob in Carol's member list");

            await model.EnterAsync("/names");

            view.WaitForLine(l => l.Text == "in #lobby: Carol (you), @Alice, Bob", s_wait, "the names");
            string alice = IdentityFingerprint.Of(aliceKey.PublicKey);
            string bobs = IdentityFingerprint.Of(bobKey.PublicKey);
            alice.ShouldNotBe(bobs);
            view.Lines.ShouldContain(l => l.Text == $"  Alice: the server's operator, identity {alice} (proved in the handshake)");
            view.Lines.ShouldContain(l => l.Text == $"  Bob: identity {bobs} (relayed; the server vouches for it)");
        }
        finally
        {
            model.Detach();
        }
    }

    [Fact]
    public async Task The_status_shows_a_server_as_new_then_known_and_after_verify_as_verified_for_good()
    {
        using LocalTrust serverTrust = LocalTrust.Open(new AppSettings { Role = ChatRole.Server, ConfigDir = AppUnderTest.NewConfigDir() });
        await using var server = new ChatServer(serverTrust.Apply(new ChatOptions { Name = "Alice" }, ChatRole.Server));
        int port = server.Start("127.0.0.1", 0).Port;
        var settings = new AppSettings { Role = ChatRole.Client, Host = "127.0.0.1", Port = port, ConfigDir = AppUnderTest.NewConfigDir() };
        using LocalTrust trust = LocalTrust.Open(settings);

        // Each contact: a client with the trust store, its model, the trust word the status bar shows once secure;
        // on the second contact the user runs /verify.
        async Task<string?[]> ContactAsync(bool verify)
        {
            await using var client = new ChatClient(trust.Apply(new ChatOptions { Name = "Bob" }, ChatRole.Client));
            var view = new RecordingView();
            var model = new ChatModel(client, isServer: false, view, new ScreenWords()) { Verify = peer => trust.Verify(peer, isServer: false, settings.Address) };
            try
            {
                await client.ConnectAsync("127.0.0.1", port).WaitAsync(s_wait);
                view.WaitForLine(l => l.Text.StartsWith("secure connection", StringComparison.Ordinal), s_wait, "the secure link");
                if (verify)
                {
                    await model.EnterAsync("/verify");
                    view.WaitForLine(l => l.Text.Contains("is now verified", StringComparison.Ordinal), s_wait, "the verification");
                }

                return [.. view.Statuses.Where(st => st.Stage == "secure").Select(st => st.Trust).Distinct()];
            }
            finally
            {
                model.Detach();
            }
        }

        (await ContactAsync(verify: false)).ShouldBe(["new"]);
        (await ContactAsync(verify: true)).ShouldBe(["known", "verified"]);
        (await ContactAsync(verify: false)).ShouldBe(["verified"]);
    }

    [Fact]
    public async Task A_client_asked_for_a_puzzle_says_so_in_the_status_solves_it_and_becomes_secure()
    {
        await using var server = new ChatServer(new ChatOptions { Name = "Alice", Puzzle = PuzzleMode.Always, PuzzleBits = 12 });
        int port = server.Start("127.0.0.1", 0).Port;
        await using var client = new ChatClient(new ChatOptions { Name = "Bob" });
        var view = new RecordingView();
        var model = new ChatModel(client, isServer: false, view, new ScreenWords());
        try
        {
            await client.ConnectAsync("127.0.0.1", port).WaitAsync(s_wait);
            view.WaitForLine(l => l.Text.StartsWith("secure connection", StringComparison.Ordinal), s_wait, "the secure link");

            string[] stages = [.. view.Statuses.Select(st => st.Stage).Distinct()];
            stages.ShouldContain("solving the server's puzzle");
            stages.IndexOf("solving the server's puzzle").ShouldBeLessThan(stages.IndexOf("secure"));
        }
        finally
        {
            model.Detach();
        }
    }

    [Fact]
    public async Task A_message_the_engine_would_refuse_is_refused_before_it_is_shown_as_sent()
    {
        var view = new RecordingView();
        var model = new ChatModel(new ChatClient(new ChatOptions()), isServer: false, view, new ScreenWords());

        await model.EnterAsync(new string('x', ChatOptions.MaxMessageBytes + 1));
        await model.EnterAsync(new string('é', (ChatOptions.MaxMessageBytes / 2) + 1));
        await model.EnterAsync("half of a surrogate pair: \uD83D");
        view.Lines.Select(l => (l.Kind, l.Text)).ShouldBe(Enumerable.Repeat((LineKind.Error, $"not sent: a message is at most {ChatOptions.MaxMessageBytes} bytes"), 3));

        await model.EnterAsync(new string('x', ChatOptions.MaxMessageBytes));
        view.Lines[^1].Text.ShouldBe("not sent: the connection is not secure yet", "a message of the largest size fits");
        view.Lines.ShouldNotContain(l => l.Kind == LineKind.Own);
        model.Detach();
    }

    [Fact]
    public async Task After_nick_or_a_name_the_server_assigned_the_status_and_own_lines_use_the_new_name()
    {
        await using var pair = new LoopbackPair(clientOptions: new ChatOptions { Name = "Bob" });
        var view = new RecordingView();
        var model = new ChatModel(pair.Client, isServer: false, view, new ScreenWords());
        try
        {
            await pair.ConnectAsync();
            await pair.ClientJoined;
            view.Statuses[^1].Name.ShouldBe("Bob");

            var confirmed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            pair.Client.NameAssigned += n =>
            {
                if (n == "Robert")
                {
                    confirmed.TrySetResult();
                }
            };
            await model.EnterAsync("/nick Robert");
            await confirmed.Task.WaitAsync(TimeSpan.FromSeconds(30)); // the server's answer (Presence you) has come
            model.OwnName.ShouldBe("Robert");
            view.Statuses[^1].Name.ShouldBe("Robert");
            await model.EnterAsync("after the nick");
            view.Lines.Last(l => l.Kind == LineKind.Own).Sender.ShouldBe("Robert");

            model.OnOwnNameAssigned("Robert-2");
            view.Lines[^1].Text.ShouldBe("the server named you Robert-2: the name you asked for is taken, looks like one in use, or is not allowed");
            view.Statuses[^1].Name.ShouldBe("Robert-2");
            await model.EnterAsync("after the server renamed me");
            view.Lines.Last(l => l.Kind == LineKind.Own).Sender.ShouldBe("Robert-2");

            int lines = view.Lines.Count;
            model.OnOwnNameAssigned("Robert-2");
            view.Lines.Count.ShouldBe(lines, "the same name again says nothing");
        }
        finally
        {
            model.Detach();
        }
    }

    [Fact]
    public async Task A_nick_typed_before_the_join_is_answered_waits_for_its_own_answer_and_the_join_name_says_nothing()
    {
        await using var client = new ChatClient(new ChatOptions { Name = "Client" });
        var view = new RecordingView();
        var model = new ChatModel(client, isServer: false, view, new ScreenWords());
        try
        {
            await model.EnterAsync("/nick Bob");
            int lines = view.Lines.Count;
            model.OnOwnNameAssigned("Client"); // the hub's answer to the join, still under the old name
            view.Lines.Count.ShouldBe(lines, "the join's name is the one we had: nothing to say");
            model.OnOwnNameAssigned("Bob"); // the answer to /nick Bob
            view.Lines.Skip(lines).Select(l => l.Text).ShouldBe(["you are now known as Bob"]);
            model.OwnName.ShouldBe("Bob");
        }
        finally
        {
            model.Detach();
        }
    }

    [Fact]
    public async Task A_client_refused_as_busy_says_it_is_retrying_in_the_status_and_the_messages()
    {
        // A server that refuses every connection before its hello: Alert (0x0F), 5 bytes, ServerBusy (7), detail 0.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        byte[] busy = [0x0F, 0, 0, 0, 5, 7, 0, 0, 0, 0];
        Task refusing = Task.Run(async () =>
        {
            for (int i = 0; i < 3; i++)
            {
                using Socket connection = await listener.AcceptSocketAsync();
                _ = await connection.ReceiveAsync(new byte[1024], SocketFlags.None); // the ClientHello
                await connection.SendAsync(busy, SocketFlags.None);
            }
        });
        await using var client = new ChatClient(new ChatOptions { BusyRetries = 2 });
        var view = new RecordingView();
        var model = new ChatModel(client, isServer: false, view, new ScreenWords());
        try
        {
            ChatConnectionException refused = await Should.ThrowAsync<ChatConnectionException>(
                () => client.ConnectAsync("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port).WaitAsync(s_wait));
            await refusing.WaitAsync(s_wait);

            refused.Message.ShouldBe("the server is busy with other handshakes; try again in a moment");
            view.Statuses.Select(s => s.Stage).ShouldContain("server busy, retrying (1/2)");
            view.Statuses.Select(s => s.Stage).ShouldContain("server busy, retrying (2/2)");
            string[] retrying = [.. view.Lines.Select(l => l.Text).Where(t => t.StartsWith("the server is busy", StringComparison.Ordinal))];
            retrying.Length.ShouldBe(2);
            retrying[0].ShouldMatch(@"^the server is busy; connecting again in \d\.\d s \(retry 1 of 2\)$");
            retrying[1].ShouldMatch(@"^the server is busy; connecting again in \d\.\d s \(retry 2 of 2\)$");
        }
        finally
        {
            model.Detach();
        }
    }
}
