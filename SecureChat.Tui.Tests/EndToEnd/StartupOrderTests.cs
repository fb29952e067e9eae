using System.Globalization;
using SecureChat.Engine.Identity;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.EndToEnd;

/// <summary>
/// The full screen draws its first frame before it loads what that frame does not need (the identity key, the
/// trust files, NSec): a server's frame needs only the bound port, a client's only its connection. A config
/// directory that cannot be used still ends the run with one line and exit code 1, the terminal given back.
/// </summary>
public sealed class StartupOrderTests(ITestOutputHelper output)
{
    [Fact]
    public void The_servers_first_frame_shows_its_address_while_its_identity_cannot_be_loaded_yet()
    {
        using Tmux tmux = TmuxApp.NewTmuxOrSkip();
        string port = AppUnderTest.FreePort().ToString(CultureInfo.InvariantCulture);
        string config = AppUnderTest.NewConfigDir();

        // Holding the config directory's lock keeps a first run from creating its identity key (it waits up to 10 s).
        TmuxApp server;
        string screen;
        var started = System.Diagnostics.Stopwatch.StartNew();
        using (ConfigDirectory.Open(config).Lock())
        {
            server = TmuxApp.Start(tmux, "server", ["--config-dir", config, "--server", "--port", port, "--name", "Alice"]);
            screen = server.WaitForScreen(s => s.Contains("loading identity", StringComparison.Ordinal), "the first frame while the identity waits");
            output.WriteLine($"first frame after {started.ElapsedMilliseconds} ms, identity not loaded:\n{screen}");
            screen.ShouldContain($"SecureChat server on localhost:{port}", customMessage: "the title has the bound address");
            File.Exists(Path.Combine(config, "identity")).ShouldBeFalse("the identity is not created while the lock is held");
        }

        screen = server.WaitForScreen(
            s => s.Contains($"listening on localhost:{port}", StringComparison.Ordinal) && !Tmux.StatusLine(s).Contains("loading identity", StringComparison.Ordinal),
            "the server listening once its identity loaded (the pane's line may be drawn before the status bar)");
        output.WriteLine($"listening after {started.ElapsedMilliseconds} ms:\n{screen}");
        Tmux.StatusLine(screen).ShouldNotContain("loading identity");
        File.Exists(Path.Combine(config, "identity")).ShouldBeTrue();

        server.Keys("F10");
        server.WaitForExit().ShouldBe("EXIT:0");
    }

    [Fact]
    public void A_config_dir_that_is_a_file_ends_the_full_screen_server_with_one_line_exit_code_1_and_the_terminal_restored()
    {
        using Tmux tmux = TmuxApp.NewTmuxOrSkip();
        int port = AppUnderTest.FreePort();
        string file = Path.GetTempFileName();
        try
        {
            TmuxApp server = TmuxApp.Start(tmux, "server", ["--config-dir", file, "--server", "--port", port.ToString(CultureInfo.InvariantCulture), "--name", "Alice"], clearFirst: true);
            ExpectOneLineAndRestoredTerminal(server, file);

            // The port was let go: another server can listen on it.
            using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            probe.Start();
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void The_clients_first_frame_shows_its_server_while_its_identity_cannot_be_loaded_yet()
    {
        using Tmux tmux = TmuxApp.NewTmuxOrSkip();
        int port = AppUnderTest.FreePort();
        string config = AppUnderTest.NewConfigDir();
        using RunningApp headless = AppUnderTest.StartServer(port, "Alice");

        // Holding the config directory's lock keeps a first run from creating its identity key (it waits up to 10 s).
        TmuxApp client;
        string screen;
        var started = System.Diagnostics.Stopwatch.StartNew();
        using (ConfigDirectory.Open(config).Lock())
        {
            client = TmuxApp.Start(tmux, "client", ["--config-dir", config, "--client", "localhost", port.ToString(CultureInfo.InvariantCulture), "--name", "Bob"]);
            screen = client.WaitForScreen(s => s.Contains("loading identity", StringComparison.Ordinal), "the first frame while the identity waits");
            output.WriteLine($"first frame after {started.ElapsedMilliseconds} ms, identity not loaded:\n{screen}");
            screen.ShouldContain($"SecureChat client of localhost:{port}", customMessage: "the title has the server's address");
            File.Exists(Path.Combine(config, "identity")).ShouldBeFalse("the identity is not created while the lock is held");
        }

        screen = client.WaitForScreen(s => Tmux.StatusLine(s).Contains("secure", StringComparison.Ordinal), "the secure session once the identity loaded");
        output.WriteLine($"secure after {started.ElapsedMilliseconds} ms:\n{screen}");
        Tmux.StatusLine(screen).ShouldNotContain("loading identity");
        File.Exists(Path.Combine(config, "identity")).ShouldBeTrue();
        headless.WaitForOutput("Bob", AppUnderTest.ReadyWait);

        client.Keys("F10");
        client.WaitForExit().ShouldBe("EXIT:0");
    }

    [Fact]
    public void A_config_dir_that_is_a_file_ends_the_full_screen_client_with_one_line_exit_code_1_and_the_terminal_restored()
    {
        using Tmux tmux = TmuxApp.NewTmuxOrSkip();
        int port = AppUnderTest.FreePort();
        string file = Path.GetTempFileName();
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
        listener.Start(); // a server that accepts and says nothing: the screen opens after the connection, then the load fails
        try
        {
            TmuxApp client = TmuxApp.Start(tmux, "client", ["--config-dir", file, "--client", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), "--name", "Bob"], clearFirst: true);
            ExpectOneLineAndRestoredTerminal(client, file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private void ExpectOneLineAndRestoredTerminal(TmuxApp app, string file)
    {
        app.WaitForExit().ShouldBe("EXIT:1");
        string screen = app.WaitForScreen(s => s.Contains("securechat:", StringComparison.Ordinal), "the reason on the shell's screen");
        output.WriteLine(screen);
        string[] lines = [.. screen.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0)];
        lines.ShouldBe([$"securechat: the config directory {file} is a file, not a directory: give --config-dir a directory"]);
        app.Modes().ShouldBe(SignalTests.CleanModes, "the terminal is restored: normal screen, keypad, cursor keys and mouse modes reset");
    }
}
