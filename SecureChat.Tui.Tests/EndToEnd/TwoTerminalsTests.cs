using System.Text.RegularExpressions;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.EndToEnd;

/// <summary>
/// Two real instances of the built app, a server and a client, each in its own tmux terminal (120x40): what one
/// types appears on the other's screen, both status bars reach "secure" with the same key hash, and F10 on one
/// and `exit` on the other end both processes with exit code 0.
/// </summary>
public sealed partial class TwoTerminalsTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public void A_server_and_a_client_chat_in_real_terminals_and_quit_cleanly()
    {
        if (!Tmux.IsInstalled())
        {
            Assert.Skip("tmux is not installed: the real-terminal end-to-end test cannot run (apt-get install tmux)");
        }

        string dll = AppUnderTest.DllPath;
        int port = AppUnderTest.FreePort();
        string dir = Directory.CreateTempSubdirectory("securechat-e2e-").FullName;
        string serverExit = Path.Combine(dir, "server.exit");
        string clientExit = Path.Combine(dir, "client.exit");
        using var tmux = new Tmux();
        try
        {
            tmux.NewSession("server", $"dotnet '{dll}' --config-dir '{AppUnderTest.NewConfigDir()}' --server --port {port} --name Alice; echo EXIT:$? > '{serverExit}'; sleep 60");
            tmux.WaitForScreen("server", s => s.Contains("listening", StringComparison.Ordinal) && s.Contains("F10", StringComparison.Ordinal), s_wait, "the server's listening status");

            tmux.NewSession("client", $"dotnet '{dll}' --config-dir '{AppUnderTest.NewConfigDir()}' --client localhost {port} --name Bob; echo EXIT:$? > '{clientExit}'; sleep 60");
            string clientScreen = tmux.WaitForScreen("client", s => Tmux.StatusLine(s).Contains("secure", StringComparison.Ordinal), s_wait, "the client's secure stage");
            string serverScreen = tmux.WaitForScreen("server", s => Tmux.StatusLine(s).Contains("secure", StringComparison.Ordinal) && s.Contains("Bob joined", StringComparison.Ordinal), s_wait, "the server's secure stage");

            string clientKey = KeyHash(clientScreen);
            KeyHash(serverScreen).ShouldBe(clientKey);
            Tmux.StatusLine(clientScreen).ShouldContain($"peer 127.0.0.1:{port}");
            Tmux.StatusLine(serverScreen).ShouldContain("1 peer");

            tmux.WaitForScreen("client", s => s.Contains("Alice is the server's operator", StringComparison.Ordinal), s_wait, "the server's name");
            tmux.Type("client", "hello from Bob 你好 😀");
            tmux.WaitForScreen("server", s => s.Contains("<Bob> hello from Bob 你好", StringComparison.Ordinal), s_wait, "the client's message");
            tmux.Type("server", "hello from Alice");
            tmux.WaitForScreen("client", s => s.Contains("<Alice> hello from Alice", StringComparison.Ordinal), s_wait, "the server's message");

            tmux.Keys("client", "F10");
            Tmux.WaitForExitFile(clientExit, s_wait).ShouldBe("EXIT:0");
            // A client that quits is away on the hub: a member still, until it comes back or AwayMax (PROTOCOL.md 4.8).
            tmux.WaitForScreen("server", s => s.Contains("Bob is away", StringComparison.Ordinal), s_wait, "the client away");

            tmux.Type("server", "exit");
            Tmux.WaitForExitFile(serverExit, s_wait).ShouldBe("EXIT:0");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string KeyHash(string screen)
    {
        Match match = KeyPattern().Match(Tmux.StatusLine(screen));
        match.Success.ShouldBeTrue($"no key hash in the status bar:\n{screen}");
        return match.Groups[1].Value;
    }


    [GeneratedRegex(@"key (?:\((?:new|known|verified)\) )?((?:[0-9A-F]{4} ){7}[0-9A-F]{4})")]
    private static partial Regex KeyPattern();
}
