using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.Headless;

/// <summary>The built app in <c>--headless</c> mode, driven through real processes and pipes.</summary>
public sealed class HeadlessProcessTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public void A_server_and_a_client_exchange_a_line_each_and_exit_cleanly()
    {
        int port = AppUnderTest.FreePort();
        using RunningApp server = AppUnderTest.Start("--server", "--port", port.ToString(), "--headless");
        server.WaitForOutput($"[*] Server listening on localhost:{port}", s_wait);
        server.WaitForOutput("[*] Waiting for client connection...", s_wait);

        using RunningApp client = AppUnderTest.Start("--client", "localhost", port.ToString(), "--headless");
        client.WaitForOutput($"[*] Connecting to localhost:{port}...", s_wait);
        client.WaitForOutput("[*] Connected to server", s_wait);
        client.WaitForOutput("[*] Secure connection established!", s_wait);
        server.WaitForOutput("[*] New connection from 127.0.0.1:", s_wait);
        server.WaitForOutput("[*] Secure connection established with 127.0.0.1:", s_wait);
        server.WaitForOutput("[*] Client joined", s_wait);

        client.WriteLine("hello from the client 你好 😀");
        server.WaitForOutput("[Client]: hello from the client 你好 😀", s_wait);
        server.WriteLine("hello from the server");
        client.WaitForOutput("[Server:operator]: hello from the server", s_wait);

        string serverKey = KeyLine(server.Output);
        KeyLine(client.Output).ShouldBe(serverKey);
        serverKey.ShouldMatch(@"^\[\*\] Key fingerprint: ([0-9A-F]{4} ){7}[0-9A-F]{4}$");

        client.WriteLine("exit");
        client.WaitForExit(s_wait).ShouldBe(0);
        server.WaitForOutput("[*] Client is away", s_wait);
        server.WriteLine("exit");
        server.WaitForExit(s_wait).ShouldBe(0);
    }

    [Fact]
    public void Commands_work_headless_the_peer_sees_their_effect_and_none_is_sent_as_chat_text()
    {
        int port = AppUnderTest.FreePort();
        using RunningApp server = AppUnderTest.StartServer(port, "Alice");
        using RunningApp client = AppUnderTest.Start("--client", "localhost", port.ToString(), "--headless");
        server.WaitForOutput("[*] Client joined", s_wait);
        client.WaitForOutput("[*] Alice is the server's operator", s_wait);
        string firstKey = KeyLine(server.Output)["[*] Key fingerprint: ".Length..];

        client.WriteLine("/nick Bob");
        client.WaitForOutput("[*] you are now known as Bob", s_wait);
        server.WaitForOutput("[*] Client is now known as Bob", s_wait);

        client.WriteLine("/rekey");
        client.WaitForOutput("[*] rekey started on 1 link(s)", s_wait);
        string newKey = RekeyedKey(server, "Bob");
        RekeyedKey(client, "Alice").ShouldBe(newKey, "both sides derive the same new keys");
        newKey.ShouldNotBe(firstKey);

        server.WriteLine("/peers");
        server.WaitForOutput($": secure, key {newKey}", s_wait);
        server.Output.ShouldContain("[*] Bob at 127.0.0.1:");
        client.WriteLine("/peers");
        client.WaitForOutput($"[*] connected to Alice at 127.0.0.1:{port} (secure)", s_wait);

        client.WriteLine("/me waves");
        server.WaitForOutput("[Bob]: * waves", s_wait);
        client.WriteLine("/names");
        client.WaitForOutput("[#lobby] [*] in #lobby: Bob (you), @Alice", s_wait);
        server.WriteLine("/names");
        server.WaitForOutput("[#lobby] [*] in #lobby: @Alice (you), Bob", s_wait);
        client.WriteLine("/fingerprint");
        client.WaitForOutput($"[*]   fingerprint {newKey}", s_wait);
        client.WaitForOutput("[*]   SAS ", s_wait);
        client.WriteLine("/help");
        client.WaitForOutput("[*] commands: /help", s_wait);
        client.WriteLine("/clear");
        client.WriteLine("//nick is a command");
        server.WaitForOutput("[Bob]: /nick is a command", s_wait);
        client.WriteLine("/quit");
        client.WaitForExit(s_wait).ShouldBe(0);
        server.WaitForOutput("[*] Bob is away", s_wait); // a member whose link ends stays in its rooms (PROTOCOL.md 4.8)

        string[] received = [.. Lines(server.Output).Where(l => l.StartsWith("[#lobby] [Bob]: ", StringComparison.Ordinal) || l.StartsWith("[#lobby] [Client]: ", StringComparison.Ordinal))];
        received.ShouldBe(["[#lobby] [Bob]: * waves", "[#lobby] [Bob]: /nick is a command"], "commands are run, not sent as chat text");
        server.WriteLine("exit");
        server.WaitForExit(s_wait).ShouldBe(0);
    }

    [Fact]
    public void Say_sends_the_word_exit_as_a_message_and_slash_exit_quits()
    {
        int port = AppUnderTest.FreePort();
        using RunningApp server = AppUnderTest.StartServer(port, "Alice");
        using RunningApp client = AppUnderTest.Start("--client", "localhost", port.ToString(), "--headless", "--name", "Bob");
        server.WaitForOutput("[*] Bob joined", s_wait);

        client.WriteLine("/help");
        client.WaitForOutput("/say TEXT", s_wait);
        client.WriteLine("/say exit");
        server.WaitForOutput("[Bob]: exit", s_wait);
        client.WriteLine("/say /quit");
        server.WaitForOutput("[Bob]: /quit", s_wait);
        client.WriteLine("/exit");
        client.WaitForExit(s_wait).ShouldBe(0);
        server.WaitForOutput("[*] Bob is away", s_wait);
        server.WriteLine("/exit");
        server.WaitForExit(s_wait).ShouldBe(0);
    }

    [Fact]
    public void A_client_with_nothing_listening_prints_a_clear_error_and_exits_non_zero()
    {
        int port = AppUnderTest.FreePort();
        using RunningApp client = AppUnderTest.Start("--client", "localhost", port.ToString(), "--headless");
        int exitCode = client.WaitForExit(s_wait);
        exitCode.ShouldBe(1);
        client.Error.Trim().ShouldBe($"[!] could not connect to localhost:{port}: connection refused");
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--server", "--client")]
    [InlineData("--client", "localhost", "notaport")]
    [InlineData("--server", "--iterations", "99999")]
    [InlineData("--server", "--group", "ffdhe1024")]
    [InlineData("--server")] // with a passphrase variable that is not set, see below
    public void A_bad_argument_gets_one_line_on_stderr_and_exit_code_2(params string[] args)
    {
        string[] full = args is ["--server"] ? ["--server", "--headless", "--passphrase-env", "SECURECHAT_TEST_UNSET_VARIABLE"] : args;
        using RunningApp app = AppUnderTest.Start(full);
        app.WaitForExit(s_wait).ShouldBe(2);
        string[] lines = app.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines.Length.ShouldBe(1, app.Error);
        lines[0].ShouldStartWith("securechat: ");
        app.Output.ShouldBeEmpty();
    }

    [Fact]
    public void A_directory_given_as_passphrase_file_is_called_a_directory()
    {
        string dir = Directory.CreateTempSubdirectory("securechat-notafile-").FullName;
        try
        {
            using RunningApp app = AppUnderTest.Start("--server", "--headless", "--passphrase-file", dir);
            app.WaitForExit(s_wait).ShouldBe(2);
            app.Error.Trim().ShouldBe($"securechat: the passphrase file {dir} is a directory; give the path of a file");
        }
        finally
        {
            Directory.Delete(dir);
        }
    }

    [Fact]
    public void Timestamps_put_the_time_before_each_headless_line()
    {
        int port = AppUnderTest.FreePort();
        using RunningApp server = AppUnderTest.Start("--server", "--port", port.ToString(), "--headless", "--timestamps");
        server.WaitForOutput("[*] Waiting for client connection...", s_wait);
        Lines(server.Output).First().ShouldMatch(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d \[\*\] Server listening on localhost:\d+$");
        server.WriteLine("exit");
        server.WaitForExit(s_wait).ShouldBe(0);
    }

    [Fact]
    public void Help_lists_every_option()
    {
        using RunningApp app = AppUnderTest.Start("--help");
        app.WaitForExit(s_wait).ShouldBe(0);
        string[] options =
        [
            "--server", "--client", "--host", "--port", "--name", "--group", "--iterations", "--max-iterations", "--passphrase-prompt", "--passphrase-file",
            "--passphrase-env", "--headless", "--timestamps", "--json", "--scrollback", "--bell", "--no-mouse", "--config-dir", "--accept-identity", "--version",
            "--puzzle", "--puzzle-bits", "--handshake-rate", "--handshakes-per-source", "--presence-delay", "--max-handshakes", "--early-drop-start", "--early-drop-percent",
            "--handshake-timeout", "--handshake-step-timeout", "--max-derivations", "--confirmation-penalty", "--failed-confirmations", "--max-peers", "--peers-per-source", "--peer-output",
            "--server-output", "--fair-share", "--write-timeout", "--nick-burst", "--nick-interval",
        ];
        foreach (string option in options)
        {
            app.Output.ShouldContain(option);
        }

        // The help wraps at 80 columns: phrases are read across line ends.
        string words = string.Join(' ', Lines(app.Output).Select(l => l.Trim()));
        words.ShouldContain("end-to-end encrypted");
        words.ShouldContain("MLS group (RFC 9420)");
        words.ShouldContain("encrypted between each client and the server");
        words.ShouldContain("the hub relays what it cannot read");
        words.ShouldNotContain("can read what it relays");
        Lines(app.Output).ShouldAllBe(l => l.Length <= 80);
    }

    private static string KeyLine(string output) =>
        Lines(output).Single(l => l.StartsWith("[*] Key fingerprint: ", StringComparison.Ordinal));

    /// <summary>Waits for the line that says the keys with <paramref name="peer"/> were renewed; returns the new fingerprint.</summary>
    private static string RekeyedKey(RunningApp app, string peer)
    {
        string prefix = $"[*] Keys renewed with {peer}; new key fingerprint: ";
        app.WaitForOutput(prefix, s_wait);
        string key = Lines(app.Output).Single(l => l.StartsWith(prefix, StringComparison.Ordinal))[prefix.Length..];
        key.ShouldMatch(@"^([0-9A-F]{4} ){7}[0-9A-F]{4}$");
        return key;
    }

    private static IEnumerable<string> Lines(string output) => output.Split('\n').Select(l => l.TrimEnd('\r'));
}
