using System.Globalization;
using System.Text;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.EndToEnd;

/// <summary>
/// <c>--bell</c> in a real terminal (tmux, 120x40), with every byte the app writes recorded (tmux pipe-pane) and
/// the terminal's focus reports sent as the terminal would (<c>CSI O</c> when its window loses the focus,
/// <c>CSI I</c> when it gets it back): a message while the user is present rings nothing; messages while away
/// ring the bell once and count in the window title; the return takes the counter down. Without <c>--bell</c>
/// nothing rings, the title never counts, and focus reports are not asked for.
/// </summary>
public sealed class AwayBellTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);
    private static readonly byte[] s_focusOut = [0x1b, (byte)'[', (byte)'O'];
    private static readonly byte[] s_focusIn = [0x1b, (byte)'[', (byte)'I'];

    /// <summary>The mouse wheel over the message pane, as a terminal reports it (SGR mouse: button 64 up, 65 down, at column 20, row 10).</summary>
    private static readonly byte[] s_wheelUp = System.Text.Encoding.ASCII.GetBytes("\u001b[<64;20;10M");
    private static readonly byte[] s_wheelDown = System.Text.Encoding.ASCII.GetBytes("\u001b[<65;20;10M");

    [Fact]
    public void With_bell_messages_that_arrive_while_away_ring_once_and_count_in_the_title_until_the_user_returns()
    {
        using Session server = Session.Start(bell: true);
        int port = server.Port;
        // The shown window's name may come first ("#lobby - SecureChat server on ...").
        string windowTitle = server.Tmux.Query("server", "#{pane_title}");
        windowTitle.ShouldEndWith($"SecureChat server on localhost:{port} - you are Alice", customMessage: "Terminal.Gui sets the window's title as the terminal's");
        server.Output.ShouldContain("\u001b[?1004h", customMessage: "focus reports are asked for");

        using RunningApp bob = server.Join();
        bob.WriteLine("while present");
        server.WaitForLine("<Bob> while present");
        Thread.Sleep(300);
        server.Bells.ShouldBe(0, "present: no bell");

        // The focus report changes nothing on screen, so Bob's probes tell when the app has read it: the first probe
        // counted while away starts the burst (one bell, the title shows 1). A fixed pause instead failed when a loaded
        // machine read the report late and counted a message sent after it as seen.
        server.Tmux.SendBytes("server", s_focusOut);
        int probes = 0;
        var probing = System.Diagnostics.Stopwatch.StartNew();
        while (!server.TitleStartsWithin("(", TimeSpan.FromMilliseconds(500)))
        {
            probing.Elapsed.ShouldBeLessThan(s_wait, "no message was counted after the focus-out report");
            bob.WriteLine($"probe {++probes}");
            server.WaitForLine($"<Bob> probe {probes}");
        }

        server.WaitForTitle("(1) SecureChat - Alice");
        bob.WriteLine("away one");
        bob.WriteLine("away two");
        server.WaitForLine("<Bob> away two");
        server.WaitForTitle("(3) SecureChat - Alice");
        server.Bells.ShouldBe(1, "one bell for the burst");

        server.Tmux.SendBytes("server", s_focusIn);
        server.WaitForTitle(windowTitle);
        bob.WriteLine("back again");
        string screen = server.WaitForLine("<Bob> back again");
        Thread.Sleep(300);
        server.Bells.ShouldBe(1, "back: no bell");
        server.Tmux.Query("server", "#{pane_title}").ShouldBe(windowTitle);
        screen.ShouldNotContain("[O");
        screen.ShouldNotContain("[I");
        server.Quit();
    }

    [Fact]
    public void Without_bell_nothing_rings_and_the_title_never_counts()
    {
        using Session server = Session.Start(bell: false);
        using RunningApp bob = server.Join();

        // Enough lines that the message pane can scroll.
        for (int i = 1; i <= 60; i++)
        {
            bob.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fill {i:D3}"));
        }

        server.WaitForLine("<Bob> fill 060");

        // Away exactly as in the test with --bell: the focus-out report. Without --bell it changes nothing on screen,
        // so a wheel turn sent after it tells when the app has read it (the terminal's input is read in order; the
        // wheel is no key press, so it is no return): once the view has scrolled, the report has been read. The
        // wheel then brings the view back down, where new messages show.
        server.Tmux.SendBytes("server", s_focusOut);
        server.Tmux.SendBytes("server", s_wheelUp);
        server.Tmux.WaitForScreen("server", s => !s.Contains("<Bob> fill 060", StringComparison.Ordinal), s_wait, "the view scrolled up by the wheel");
        server.WaitForScreenAfterWheelDown("<Bob> fill 060");

        bob.WriteLine("away one");
        bob.WriteLine("away two");
        server.WaitForLine("<Bob> away two");
        Thread.Sleep(300);
        TestContext.Current.TestOutputHelper?.WriteLine($"bells: {server.Bells}, title: {server.Tmux.Query("server", "#{pane_title}")}");
        server.Bells.ShouldBe(0);
        server.Tmux.Query("server", "#{pane_title}").ShouldNotStartWith("(");
        server.Output.ShouldNotContain("\u001b[?1004h");
        server.Quit();
    }

    /// <summary>A full-screen server named Alice in tmux, its output recorded from its first byte.</summary>
    private sealed class Session : IDisposable
    {
        private readonly string _dir;
        private readonly string _raw;
        private readonly string _exit;

        private Session(string dir, int port)
        {
            _dir = dir;
            _raw = Path.Combine(dir, "raw");
            _exit = Path.Combine(dir, "server.exit");
            Port = port;
        }

        public Tmux Tmux { get; } = new();

        public int Port { get; }

        public string Output => File.Exists(_raw) ? Encoding.UTF8.GetString(File.ReadAllBytes(_raw)) : string.Empty;

        public int Bells => Output.Count(c => c == '\a');

        public static Session Start(bool bell)
        {
            if (!Tmux.IsInstalled())
            {
                Assert.Skip("tmux is not installed: the real-terminal test cannot run (apt-get install tmux)");
            }

            var session = new Session(Directory.CreateTempSubdirectory("securechat-bell-").FullName, AppUnderTest.FreePort());
            string gate = Path.Combine(session._dir, "go");
            session.Tmux.NewSession("server", Tmux.StartGate(gate) + $"dotnet '{AppUnderTest.DllPath}' --config-dir '{AppUnderTest.NewConfigDir()}' --server --port {session.Port} --name Alice{(bell ? " --bell" : string.Empty)}; echo EXIT:$? > '{session._exit}'; sleep 60");
            session.Tmux.Record("server", session._raw);
            File.WriteAllText(gate, string.Empty);
            session.Tmux.WaitForScreen("server", s => s.Contains("listening", StringComparison.Ordinal) && s.Contains("F10", StringComparison.Ordinal), s_wait, "the server's listening status");
            return session;
        }

        public RunningApp Join()
        {
            RunningApp bob = AppUnderTest.Start("--client", "localhost", Port.ToString(CultureInfo.InvariantCulture), "--headless", "--name", "Bob");
            bob.WaitForOutput("[*] Alice is the server's operator", s_wait);
            WaitForLine("Bob joined");
            return bob;
        }

        public string WaitForLine(string text) =>
            Tmux.WaitForScreen("server", s => s.Contains(text, StringComparison.Ordinal), s_wait, text);

        /// <summary>Turns the wheel down until <paramref name="text"/> shows again.</summary>
        public void WaitForScreenAfterWheelDown(string text)
        {
            var turning = System.Diagnostics.Stopwatch.StartNew();
            while (!Tmux.Capture("server").Contains(text, StringComparison.Ordinal))
            {
                turning.Elapsed.ShouldBeLessThan(s_wait, $"the wheel did not bring back '{text}'");
                Tmux.SendBytes("server", s_wheelDown);
                Thread.Sleep(200);
            }
        }

        /// <summary>Whether the window title starts with <paramref name="prefix"/> within <paramref name="within"/>.</summary>
        public bool TitleStartsWithin(string prefix, TimeSpan within)
        {
            DateTime deadline = DateTime.UtcNow + within;
            while (!Tmux.Query("server", "#{pane_title}").StartsWith(prefix, StringComparison.Ordinal))
            {
                if (DateTime.UtcNow > deadline)
                {
                    return false;
                }

                Thread.Sleep(50);
            }

            return true;
        }

        public void WaitForTitle(string title)
        {
            DateTime deadline = DateTime.UtcNow + s_wait;
            string shown;
            while ((shown = Tmux.Query("server", "#{pane_title}")) != title)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new ShouldAssertException($"the title is '{shown}', not '{title}'");
                }

                Thread.Sleep(100);
            }
        }

        public void Quit()
        {
            Tmux.Keys("server", "F10");
            Tmux.WaitForExitFile(_exit, s_wait).ShouldBe("EXIT:0");
        }

        public void Dispose()
        {
            Tmux.Dispose();
            Directory.Delete(_dir, recursive: true);
        }
    }
}
