using System.Net;
using System.Net.Sockets;
using System.Text;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Identity;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;
using SecureChat.Tui.App;
using SecureChat.Tui.CommandLine;
using SecureChat.Tui.Tests.Support;
using SecureChat.Tui.Views;

namespace SecureChat.Tui.Tests.App;

/// <summary>The lifetime with a recording mode: failed connections never open the view, and are said in plain words.</summary>
public sealed class ChatLifetimeTests
{
    /// <summary>
    /// Long enough that a loaded machine cannot reach it before a refused connection is reported: the tests prove the
    /// rule (a refusal before the delay never opens the screen), not the machine's speed.
    /// </summary>
    private static readonly TimeSpan s_openDelay = TimeSpan.FromSeconds(20);

    [Fact]
    public void A_connection_refused_at_once_is_reported_without_opening_the_view()
    {
        int port = AppUnderTest.FreePort();
        var mode = new RecordingMode();
        var settings = new AppSettings { Role = ChatRole.Client, Host = "127.0.0.1", Port = port, ConfigDir = AppUnderTest.NewConfigDir(), OpenDelay = s_openDelay };
        ChatLifetime.Run(settings, new ChatOptions(), mode).ShouldBe(ExitCodes.ConnectionFailed);
        mode.Opened.ShouldBeFalse("a failed connect must not flash the full screen");
        mode.Failures.ShouldBe([$"could not connect to 127.0.0.1:{port}: connection refused"]);
    }

    [Fact]
    public void A_client_whose_screen_opens_first_reports_a_refusal_without_opening_the_view_or_loading_its_identity()
    {
        int port = AppUnderTest.FreePort();
        var mode = new RecordingMode();
        string config = AppUnderTest.NewConfigDir();
        var settings = new AppSettings { Role = ChatRole.Client, Host = "127.0.0.1", Port = port, ConfigDir = config, OpenDelay = s_openDelay };
        ChatLifetime.RunClientScreenFirst(settings, [], mode).ShouldBe(ExitCodes.ConnectionFailed);
        mode.Opened.ShouldBeFalse("a failed connect must not flash the full screen");
        mode.Failures.ShouldBe([$"could not connect to 127.0.0.1:{port}: connection refused"]);
        File.Exists(Path.Combine(config, "identity")).ShouldBeFalse("nothing is loaded for a connection that was refused");
    }

    [Fact]
    public async Task A_client_whose_screen_opens_first_shows_loading_identity_then_connects_securely()
    {
        await using var server = new ChatServer(new ChatOptions { Name = "Alice" });
        int port = server.Start("127.0.0.1", 0).Port;
        var mode = new RecordingMode();
        var settings = new AppSettings { Role = ChatRole.Client, Host = "127.0.0.1", Port = port, ConfigDir = AppUnderTest.NewConfigDir(), Name = "Bob" };
        Task<int> run = Task.Run(() => ChatLifetime.RunClientScreenFirst(settings, [], mode));
        (await run.WaitAsync(TimeSpan.FromSeconds(30))).ShouldBe(ExitCodes.Ok);
        mode.Opened.ShouldBeTrue();
        mode.View.Statuses.First().Stage.ShouldBe(ChatLifetime.LoadingStage);
        mode.View.Statuses.ShouldContain(s => s.Stage.Contains("secure", StringComparison.Ordinal), "the handshake ran once the identity was loaded");
    }

    [Fact]
    public async Task A_server_that_does_not_speak_SecureChat_is_named_as_such()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Task fake = Task.Run(async () =>
        {
            using TcpClient peer = await listener.AcceptTcpClientAsync();
            await peer.GetStream().WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"));
            await Task.Delay(2000);
        });
        var mode = new RecordingMode();
        var settings = new AppSettings { Role = ChatRole.Client, Host = "127.0.0.1", Port = port, ConfigDir = AppUnderTest.NewConfigDir(), OpenDelay = s_openDelay };
        ChatLifetime.Run(settings, new ChatOptions(), mode).ShouldBe(ExitCodes.ConnectionFailed);
        mode.Failures.ShouldBe([$"could not connect to 127.0.0.1:{port}: the program there does not speak SecureChat (is it the right port?)"]);
        await fake.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_server_that_speaks_another_protocol_version_is_named_as_such_with_what_to_do()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Task fake = Task.Run(async () =>
        {
            // A version 3 server: it refuses a hello that does not offer 3 with Alert UnsupportedVersion, detail 3.
            using TcpClient peer = await listener.AcceptTcpClientAsync();
            await peer.GetStream().WriteAsync(new byte[] { 0x0F, 0, 0, 0, 5, 1, 0, 0, 0, 3 });
            await Task.Delay(2000);
        });
        var mode = new RecordingMode();
        var settings = new AppSettings { Role = ChatRole.Client, Host = "127.0.0.1", Port = port, ConfigDir = AppUnderTest.NewConfigDir(), OpenDelay = s_openDelay };
        ChatLifetime.Run(settings, new ChatOptions(), mode).ShouldBe(ExitCodes.ConnectionFailed);
        mode.Failures.ShouldBe([$"could not connect to 127.0.0.1:{port}: the server speaks another protocol version (this client speaks 4): update one of them"]);
        await fake.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_server_whose_identity_changed_opens_the_view_to_warn_sends_nothing_and_ends_with_exit_code_3()
    {
        using LocalTrust serverTrust = LocalTrust.Open(new AppSettings { Role = ChatRole.Server, ConfigDir = AppUnderTest.NewConfigDir() });
        await using var server = new ChatServer(serverTrust.Apply(new ChatOptions { Name = "Mallory" }, ChatRole.Server));
        int joins = 0;
        server.PresenceChanged += _ => Interlocked.Increment(ref joins);
        int port = server.Start("127.0.0.1", 0).Port;

        // The client remembers another identity for this address.
        string clientDir = AppUnderTest.NewConfigDir();
        using (IdentityKey other = IdentityKey.LoadOrCreate(ConfigDirectory.Open(AppUnderTest.NewConfigDir())))
        {
            new KnownServers(ConfigDirectory.Open(clientDir)).Pin(KnownServers.Endpoint("127.0.0.1", port), other.PublicKey);
        }

        var settings = new AppSettings { Role = ChatRole.Client, Host = "127.0.0.1", Port = port, ConfigDir = clientDir };
        using LocalTrust trust = LocalTrust.Open(settings);
        var mode = new RecordingMode();
        ChatLifetime.Run(settings, trust.Apply(ChatLifetime.Options(settings, []), ChatRole.Client), mode, trust).ShouldBe(ExitCodes.TrustRefused);

        mode.Opened.ShouldBeTrue("the full screen opens to show the warning, however soon the refusal came");
        IdentityRefusal warned = mode.View.Warnings.ShouldHaveSingleItem();
        warned.Presented.ShouldBe(IdentityFingerprint.Of(serverTrust.Identity.PublicKey));
        warned.Endpoint.ShouldBe(KnownServers.Endpoint("127.0.0.1", port));
        mode.View.Statuses[^1].Trust.ShouldBe("changed");
        mode.Failures.ShouldBe(warned.Lines, "the warning is printed again once the view is closed");
        mode.View.Lines.ShouldNotContain(l => l.Kind == LineKind.Own);
        Volatile.Read(ref joins).ShouldBe(0, "nothing was sent: the client never joined");
    }

    [Fact]
    public async Task The_operator_cannot_take_a_name_another_identity_owns_even_while_its_owner_is_away()
    {
        string serverDir = AppUnderTest.NewConfigDir();
        using LocalTrust serverTrust = LocalTrust.Open(new AppSettings { Role = ChatRole.Server, ConfigDir = serverDir });
        await using var server = new ChatServer(serverTrust.Apply(new ChatOptions { Name = "Alice" }, ChatRole.Server));
        var away = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.PresenceChanged += p =>
        {
            if (p.Kind == PresenceKind.Away && p.Name == "Bob")
            {
                away.TrySetResult();
            }
        };
        int port = server.Start("127.0.0.1", 0).Port;

        // Bob uses his name once, then quits: he is away (a member still, PROTOCOL.md 4.8), and the name stays his.
        var bobSettings = new AppSettings { Role = ChatRole.Client, Host = "127.0.0.1", Port = port, ConfigDir = AppUnderTest.NewConfigDir() };
        using (LocalTrust bobTrust = LocalTrust.Open(bobSettings))
        {
            await using var bob = new ChatClient(bobTrust.Apply(new ChatOptions { Name = "Bob" }, ChatRole.Client));
            await bob.ConnectAsync("127.0.0.1", port).WaitAsync(TimeSpan.FromSeconds(20));
        }

        await away.Task.WaitAsync(TimeSpan.FromSeconds(20));

        Should.Throw<ArgumentException>(() => server.ChangeName("bob")).Message.ShouldBe("the name bob belongs to another identity on this server");
        server.Name.ShouldBe("Alice");

        server.ChangeName("Robert");
        server.Name.ShouldBe("Robert");
        new NameRegistry(ConfigDirectory.Open(serverDir)).OwnerOf("Robert").ShouldBe(serverTrust.Identity.PublicKey, "the operator's new name is reserved for the operator");
    }

    [Fact]
    public void IPv6_addresses_are_shown_in_brackets()
    {
        StageWords.Address(new IPEndPoint(IPAddress.IPv6Loopback, 1)).ShouldBe("[::1]:1");
        StageWords.Address(new IPEndPoint(IPAddress.Loopback.MapToIPv6(), 1)).ShouldBe("127.0.0.1:1");
        StageWords.Address(new DnsEndPoint("localhost", 2)).ShouldBe("localhost:2");
    }

    private sealed class RecordingMode : IChatMode
    {
        private readonly RecordingView _view = new();

        public RecordingView View => _view;

        public bool Opened { get; private set; }

        public List<string> Failures { get; } = [];

        public ChatWords Words { get; } = new ScreenWords();

        public IChatView Open(bool isServer, string address, string name)
        {
            Opened = true;
            return _view;
        }

        public void Run(Task<ChatModel?> model, Task connecting) => connecting.Wait(TimeSpan.FromSeconds(20));

        public void Close()
        {
        }

        public void ReportFailure(string reason) => Failures.Add(reason);

        public void ReportLost(string reason) => Failures.Add(reason);

        public void ReportClosed()
        {
        }
    }
}
