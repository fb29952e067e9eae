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
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public void The_servers_first_frame_shows_its_address_while_its_identity_cannot_be_loaded_yet()
    {
        if (!Tmux.IsInstalled())
        {
            Assert.Skip("tmux is not installed: the real-terminal test cannot run (apt-get install tmux)");
        }

        string dll = AppUnderTest.DllPath;
        int port = AppUnderTest.FreePort();
        string config = AppUnderTest.NewConfigDir();
        string exit = Path.Combine(Directory.CreateTempSubdirectory("securechat-startup-").FullName, "exit");
        using var tmux = new Tmux();

        // Holding the config directory's lock keeps a first run from creating its identity key (it waits up to 10 s).
        ConfigDirectoryLock held = ConfigDirectory.Open(config).Lock();
        string screen;
        var started = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            tmux.NewSession("server", $"dotnet \"{dll}\" --config-dir \"{config}\" --server --port {port} --name Alice; echo EXIT:$? > '{exit}'; sleep 60");
            screen = tmux.WaitForScreen("server", s => s.Contains("loading identity", StringComparison.Ordinal), s_wait, "the first frame while the identity waits");
            output.WriteLine($"first frame after {started.ElapsedMilliseconds} ms, identity not loaded:\n{screen}");
            screen.ShouldContain($"SecureChat server on localhost:{port}", customMessage: "the title has the bound address");
            File.Exists(Path.Combine(config, "identity")).ShouldBeFalse("the identity is not created while the lock is held");
        }
        finally
        {
            held.Dispose();
        }

        screen = tmux.WaitForScreen(
            "server",
            s => s.Contains($"listening on localhost:{port}", StringComparison.Ordinal) && !Tmux.StatusLine(s).Contains("loading identity", StringComparison.Ordinal),
            s_wait,
            "the server listening once its identity loaded (the pane's line may be drawn before the status bar)");
        output.WriteLine($"listening after {started.ElapsedMilliseconds} ms:\n{screen}");
        Tmux.StatusLine(screen).ShouldNotContain("loading identity");
        File.Exists(Path.Combine(config, "identity")).ShouldBeTrue();

        tmux.Keys("server", "F10");
        Tmux.WaitForExitFile(exit, s_wait).ShouldBe("EXIT:0");
    }

    [Fact]
    public void A_config_dir_that_is_a_file_ends_the_full_screen_server_with_one_line_exit_code_1_and_the_terminal_restored()
    {
        if (!Tmux.IsInstalled())
        {
            Assert.Skip("tmux is not installed: the real-terminal test cannot run (apt-get install tmux)");
        }

        string dll = AppUnderTest.DllPath;
        int port = AppUnderTest.FreePort();
        string file = Path.GetTempFileName();
        string exit = Path.Combine(Directory.CreateTempSubdirectory("securechat-startup-").FullName, "exit");
        using var tmux = new Tmux();
        try
        {
            tmux.NewSession("server", $"clear; dotnet \"{dll}\" --config-dir \"{file}\" --server --port {port} --name Alice; echo EXIT:$? > '{exit}'; sleep 60");
            Tmux.WaitForExitFile(exit, s_wait).ShouldBe("EXIT:1");
            string screen = tmux.WaitForScreen("server", s => s.Contains("securechat:", StringComparison.Ordinal), s_wait, "the reason on the shell's screen");
            output.WriteLine(screen);
            string[] lines = [.. screen.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0)];
            lines.ShouldBe([$"securechat: the config directory {file} is a file, not a directory: give --config-dir a directory"]);
            tmux.Query("server", "#{alternate_on} #{mouse_any_flag} #{mouse_button_flag} #{mouse_standard_flag} #{mouse_sgr_flag} #{mouse_all_flag}")
                .ShouldBe("0 0 0 0 0 0", "the terminal is restored: normal screen, no mouse tracking");

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
        if (!Tmux.IsInstalled())
        {
            Assert.Skip("tmux is not installed: the real-terminal test cannot run (apt-get install tmux)");
        }

        string dll = AppUnderTest.DllPath;
        int port = AppUnderTest.FreePort();
        string config = AppUnderTest.NewConfigDir();
        string exit = Path.Combine(Directory.CreateTempSubdirectory("securechat-startup-").FullName, "exit");
        using var tmux = new Tmux();
        using RunningApp server = AppUnderTest.Start("--server", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--headless", "--name", "Alice");
        server.WaitForOutput("[*] Waiting for client connection...", s_wait);

        // Holding the config directory's lock keeps a first run from creating its identity key (it waits up to 10 s).
        ConfigDirectoryLock held = ConfigDirectory.Open(config).Lock();
        string screen;
        var started = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            tmux.NewSession("client", $"dotnet \"{dll}\" --config-dir \"{config}\" --client localhost {port} --name Bob; echo EXIT:$? > '{exit}'; sleep 60");
            screen = tmux.WaitForScreen("client", s => s.Contains("loading identity", StringComparison.Ordinal), s_wait, "the first frame while the identity waits");
            output.WriteLine($"first frame after {started.ElapsedMilliseconds} ms, identity not loaded:\n{screen}");
            screen.ShouldContain($"SecureChat client of localhost:{port}", customMessage: "the title has the server's address");
            File.Exists(Path.Combine(config, "identity")).ShouldBeFalse("the identity is not created while the lock is held");
        }
        finally
        {
            held.Dispose();
        }

        screen = tmux.WaitForScreen("client", s => Tmux.StatusLine(s).Contains("secure", StringComparison.Ordinal), s_wait, "the secure session once the identity loaded");
        output.WriteLine($"secure after {started.ElapsedMilliseconds} ms:\n{screen}");
        Tmux.StatusLine(screen).ShouldNotContain("loading identity");
        File.Exists(Path.Combine(config, "identity")).ShouldBeTrue();
        server.WaitForOutput("Bob", s_wait);

        tmux.Keys("client", "F10");
        Tmux.WaitForExitFile(exit, s_wait).ShouldBe("EXIT:0");
    }

    [Fact]
    public void A_config_dir_that_is_a_file_ends_the_full_screen_client_with_one_line_exit_code_1_and_the_terminal_restored()
    {
        if (!Tmux.IsInstalled())
        {
            Assert.Skip("tmux is not installed: the real-terminal test cannot run (apt-get install tmux)");
        }

        string dll = AppUnderTest.DllPath;
        int port = AppUnderTest.FreePort();
        string file = Path.GetTempFileName();
        string exit = Path.Combine(Directory.CreateTempSubdirectory("securechat-startup-").FullName, "exit");
        using var tmux = new Tmux();
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
        listener.Start(); // a server that accepts and says nothing: the screen opens after the connection, then the load fails
        try
        {
            tmux.NewSession("client", $"clear; dotnet \"{dll}\" --config-dir \"{file}\" --client 127.0.0.1 {port} --name Bob; echo EXIT:$? > '{exit}'; sleep 60");
            Tmux.WaitForExitFile(exit, s_wait).ShouldBe("EXIT:1");
            string screen = tmux.WaitForScreen("client", s => s.Contains("securechat:", StringComparison.Ordinal), s_wait, "the reason on the shell's screen");
            output.WriteLine(screen);
            string[] lines = [.. screen.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0)];
            lines.ShouldBe([$"securechat: the config directory {file} is a file, not a directory: give --config-dir a directory"]);
            tmux.Query("client", "#{alternate_on} #{mouse_any_flag} #{mouse_button_flag} #{mouse_standard_flag} #{mouse_sgr_flag} #{mouse_all_flag}")
                .ShouldBe("0 0 0 0 0 0", "the terminal is restored: normal screen, no mouse tracking");
        }
        finally
        {
            File.Delete(file);
        }
    }
}
