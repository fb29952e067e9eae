using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.EndToEnd;

/// <summary>A server at 80x24 and a client at 40x10 in real terminals: the quit hint stays; long fields shrink with an ellipsis.</summary>
public sealed class NarrowTerminalTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public void At_80x24_and_40x10_the_status_bar_keeps_F10_Quit_and_cuts_long_fields_with_an_ellipsis()
    {
        if (!Tmux.IsInstalled())
        {
            Assert.Skip("tmux is not installed: the real-terminal narrow-screen test cannot run (apt-get install tmux)");
        }

        string dll = AppUnderTest.DllPath;
        int port = AppUnderTest.FreePort();
        using var tmux = new Tmux();
        tmux.NewSession("server", $"dotnet '{dll}' --config-dir '{AppUnderTest.NewConfigDir()}' --server --port {port} --name Alice; sleep 60", 80, 24);
        tmux.WaitForScreen("server", s => Tmux.StatusLine(s).Contains("listening", StringComparison.Ordinal), s_wait, "the server's status bar");
        tmux.NewSession("client", $"dotnet '{dll}' --config-dir '{AppUnderTest.NewConfigDir()}' --client localhost {port} --name Bob; sleep 60", 40, 10);
        string client = tmux.WaitForScreen("client", s => Tmux.StatusLine(s).Contains("secure", StringComparison.Ordinal), s_wait, "the client's secure stage");
        string server = tmux.WaitForScreen("server", s => Tmux.StatusLine(s).Contains("secure", StringComparison.Ordinal), s_wait, "the server's secure stage");

        Tmux.StatusLine(server).ShouldContain("F10  Quit", customMessage: server);
        Tmux.StatusLine(server).ShouldContain("1 peer", customMessage: server);
        Tmux.StatusLine(client).ShouldContain("F10  Quit", customMessage: client);
        Tmux.StatusLine(client).ShouldContain("key", customMessage: client);
        Tmux.StatusLine(client).ShouldContain("…", customMessage: client);
        client.Split('\n').ShouldAllBe(l => l.Length <= 40);
        tmux.Keys("client", "F10");
        tmux.Keys("server", "F10");
    }
}
