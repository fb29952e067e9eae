using System.Globalization;
using System.Text;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.EndToEnd;

/// <summary>
/// Key sequences real terminals send that Terminal.Gui 2.5.0 cannot decode (F13-F20 from xterm's Menu key, the Linux
/// console's Shift+F1..F8 and rxvt's Shift+F3..F10; a stray bracketed-paste end; an unknown SS3 or CSI number; a Kitty
/// code point that is no character), sent as raw bytes into the full screen of a server and of a client in tmux:
/// the app stays up, the draft typed before them is kept and sent, and a server's hub goes on relaying
/// between its clients.
/// </summary>
public sealed class UnusualKeyTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    /// <summary>Each sequence after ESC, as the terminal sends it.</summary>
    public static readonly string[] Sequences =
    [
        "[25~", "[26~", "[28~", "[29~", "[31~", "[32~", "[33~", "[34~", "[29;2~", "[34;5~",
        "[201~", "[27~", "[99999999999~", "OO", "[55296u",
    ];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Undecodable_keys_leave_the_app_running_with_its_draft_and_the_hub_relaying(bool fullScreenServer)
    {
        if (!Tmux.IsInstalled())
        {
            Assert.Skip("tmux is not installed: the real-terminal key test cannot run (apt-get install tmux)");
        }

        string dll = AppUnderTest.DllPath;
        int port = AppUnderTest.FreePort();
        string dir = Directory.CreateTempSubdirectory("securechat-keys-").FullName;
        string exit = Path.Combine(dir, "screen.exit");
        string error = Path.Combine(dir, "screen.err");
        using var tmux = new Tmux();
        RunningApp? server = null;
        RunningApp? client = null;
        RunningApp? carol = null;
        try
        {
            string port0 = port.ToString(CultureInfo.InvariantCulture);
            string role = fullScreenServer ? $"--server --port {port0} --name Alice" : $"--client localhost {port0} --name Bob";
            if (!fullScreenServer)
            {
                server = AppUnderTest.Start("--server", "--port", port0, "--name", "Alice", "--headless");
                server.WaitForOutput("listening", s_wait);
            }

            tmux.NewSession("screen", $"dotnet '{dll}' --config-dir '{AppUnderTest.NewConfigDir()}' {role} 2> '{error}'; echo EXIT:$? > '{exit}'; sleep 60");
            if (fullScreenServer)
            {
                tmux.WaitForScreen("screen", s => s.Contains("listening", StringComparison.Ordinal), s_wait, "the server's listening status");
                client = AppUnderTest.Start("--client", "localhost", port0, "--name", "Bob", "--headless");
                carol = AppUnderTest.Start("--client", "localhost", port0, "--name", "Carol", "--headless");
                tmux.WaitForScreen("screen", s => s.Contains("Carol joined", StringComparison.Ordinal), s_wait, "Carol joining");
            }

            RunningApp peer = (fullScreenServer ? client : server)!;
            string peerName = fullScreenServer ? "Bob" : "Alice";
            string peerArrived = fullScreenServer ? "Bob joined" : "Alice is the server's operator";
            tmux.WaitForScreen("screen", s => s.Contains(peerArrived, StringComparison.Ordinal), s_wait, "the peer joining");

            tmux.Type("screen", "a draft kept", enter: false);
            var survived = new List<string>();
            foreach (string sequence in Sequences)
            {
                tmux.SendBytes("screen", [0x1b, .. Encoding.ASCII.GetBytes(sequence)]);
                Thread.Sleep(300);
                if (File.Exists(exit))
                {
                    break;
                }

                survived.Add(sequence);
            }

            TestContext.Current.TestOutputHelper?.WriteLine($"{(fullScreenServer ? "server" : "client")}: survived {survived.Count} of {Sequences.Length} sequences ({string.Join(' ', survived)})");
            File.Exists(exit).ShouldBeFalse($"the app ended: {(File.Exists(exit) ? File.ReadAllText(exit) : string.Empty)}\n{(File.Exists(error) ? File.ReadAllText(error) : string.Empty)}");
            string screen = tmux.WaitForScreen("screen", s => s.Contains("> a draft kept", StringComparison.Ordinal), s_wait, "the draft");
            screen.ShouldNotContain("internal error");

            tmux.Keys("screen", "Enter");
            peer.WaitForOutput(fullScreenServer ? "[Alice:operator]: a draft kept" : "[Bob]: a draft kept", s_wait);
            peer.WriteLine("still relayed");
            tmux.WaitForScreen("screen", s => s.Contains($"<{peerName}> still relayed", StringComparison.Ordinal), s_wait, "the peer's message after the keys");
            carol?.WaitForOutput("[Bob]: still relayed", s_wait);

            tmux.Keys("screen", "F10");
            Tmux.WaitForExitFile(exit, s_wait).ShouldBe("EXIT:0");
        }
        finally
        {
            carol?.Dispose();
            client?.Dispose();
            server?.Dispose();
            Directory.Delete(dir, recursive: true);
        }
    }
}
