using System.Globalization;
using SecureChat.Tui.CommandLine;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.Headless;

/// <summary><c>config.toml</c> read by the built app: real processes, each with its own temporary config directory.</summary>
public sealed class ConfigFileProcessTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(60);

    private static string ConfigDir(string toml)
    {
        string dir = AppUnderTest.NewConfigDir();
        File.WriteAllText(Path.Combine(dir, ConfigFile.FileName), toml);
        return dir;
    }

    private static string Text(int number) => number.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public void A_profile_connects_a_headless_client_to_a_server_that_takes_its_port_and_name_from_its_file()
    {
        int port = AppUnderTest.FreePort();
        string serverDir = ConfigDir($"[server]\nport = {Text(port)}\nname = \"Hub\"\n");
        using RunningApp server = AppUnderTest.Start("--server", "--headless", "--config-dir", serverDir);
        server.WaitForOutput($"[*] Server listening on localhost:{Text(port)}", s_wait);

        string clientDir = ConfigDir($"[client]\nname = \"Ann\"\n\n[profiles.work]\nhost = \"localhost\"\nport = {Text(port)}\n");
        using RunningApp client = AppUnderTest.Start("--client", "work", "--headless", "--config-dir", clientDir);
        client.WaitForOutput($"[*] Connecting to localhost:{Text(port)}...", s_wait);
        client.WaitForOutput("[*] Secure connection established!", s_wait);
        client.WaitForOutput("[*] Hub is the server's operator", s_wait);
        server.WaitForOutput("[*] Ann joined", s_wait);
        client.WriteLine("hello through the profile");
        server.WaitForOutput("[Ann]: hello through the profile", s_wait);
        client.WriteLine("/quit");
        client.WaitForExit(s_wait).ShouldBe(0);
    }

    [Fact]
    public void The_command_line_overrides_the_file_value_by_value()
    {
        int port = AppUnderTest.FreePort();
        int unused = AppUnderTest.FreePort();
        string serverDir = ConfigDir($"[server]\nport = {Text(unused)}\nname = \"FromFile\"\nmax-peers = 10\n");
        using RunningApp server = AppUnderTest.Start("--server", "--headless", "--port", Text(port), "--name", "Hub", "--config-dir", serverDir);
        server.WaitForOutput($"[*] Server listening on localhost:{Text(port)}", s_wait);

        string clientDir = ConfigDir($"[profiles.work]\nhost = \"localhost\"\nport = {Text(port)}\nname = \"Ann\"\n");
        using RunningApp client = AppUnderTest.Start("--client", "work", "--headless", "--name", "Bob", "--config-dir", clientDir);
        client.WaitForOutput("[*] Hub is the server's operator", s_wait);
        server.WaitForOutput("[*] Bob joined", s_wait);
        server.Output.ShouldNotContain("FromFile");
        client.WriteLine("/quit");
        client.WaitForExit(s_wait).ShouldBe(0);
    }

    [Theory]
    [InlineData("[server]\nmax-peers = 0\n", "--server", "2: max-peers: 0 is below the minimum 1")]
    [InlineData("[server]\nport = 1\nmax-peer = 5\n", "--server", "3: max-peer: unknown key in [server] (did you mean max-peers?)")]
    [InlineData("[client]\nname = 7\n", "--client", "2: name: expected a string, not a whole number")]
    [InlineData("[profiles.work]\nhost = \"a\"\nhost = \"b\"\n", "--client", "3: The key `profiles.work.host` is already defined")]
    public void A_bad_file_is_one_line_naming_file_line_and_key_and_exit_code_2_before_the_screen_opens(string toml, string role, string message)
    {
        string dir = ConfigDir(toml);
        foreach (string[] mode in new[] { new[] { "--headless" }, [] })
        {
            using RunningApp app = AppUnderTest.Start([role, .. mode, "--config-dir", dir]);
            app.WaitForExit(s_wait).ShouldBe(ChatCommandLine.UsageExitCode);
            TestContext.Current.TestOutputHelper?.WriteLine($"{string.Join(' ', mode)}: {app.Error.Trim()}");
            string[] lines = app.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            lines.Length.ShouldBe(1);
            lines[0].ShouldStartWith($"securechat: {Path.Combine(dir, ConfigFile.FileName)}:{message}");
            app.Output.ShouldBeEmpty("nothing reaches the terminal: no screen, no escape sequence");
        }
    }
}
