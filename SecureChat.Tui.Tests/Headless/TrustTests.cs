using System.Text.RegularExpressions;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.Headless;

/// <summary>
/// Identities verified once and remembered, through real <c>--headless</c> processes, each with its own
/// <c>--config-dir</c>: first contact, recognition, <c>/verify</c>, a server whose identity changed (refused before
/// anything is sent, exit code 3, accepted only deliberately), names owned by identities, and a key file others can read.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class TrustTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public void A_server_is_new_on_first_contact_known_afterwards_and_verified_for_good_after_verify()
    {
        string serverConfig = AppUnderTest.NewConfigDir();
        string clientConfig = AppUnderTest.NewConfigDir();
        int port = AppUnderTest.FreePort();
        using RunningApp server = StartServer(port, serverConfig);

        string first = Connect(port, clientConfig, "Bob", session: client =>
        {
            client.WaitForOutput("(new)", s_wait);
            client.WriteLine("/verify");
            client.WaitForOutput("is now verified", s_wait);
        });
        string fingerprint = IdentityOf(first);
        server.WaitForOutput("[*] Peer identity of Bob:", s_wait);
        server.Output.ShouldContain("(new)");

        string second = Connect(port, clientConfig, "Bob");
        second.ShouldContain($"Peer identity of Alice: {fingerprint} (verified)");
        File.ReadAllText(Path.Combine(clientConfig, "known_servers")).ShouldContain(" verified ");

        // The server remembers the client too: its second contact is known.
        Regex.Matches(server.Output, @"Peer identity of Bob: [0-9A-F ]+ \(known\)").Count.ShouldBe(1, server.Output);
        server.WriteLine("exit");
        server.WaitForExit(s_wait).ShouldBe(0);
    }

    [Fact]
    public void The_operator_verifies_a_client_by_name_and_the_server_knows_it_as_verified_on_its_next_contact_and_after_a_restart()
    {
        string serverConfig = AppUnderTest.NewConfigDir();
        string clientConfig = AppUnderTest.NewConfigDir();
        int port = AppUnderTest.FreePort();
        string bob;
        using (RunningApp server = StartServer(port, serverConfig))
        {
            Connect(port, clientConfig, "Bob", session: client =>
            {
                server.WaitForOutput("[*] Peer identity of Bob:", s_wait);
                server.WriteLine("/verify Bob");
                server.WaitForOutput("is now verified", s_wait);
            });
            bob = IdentityLine().Match(server.Output).Groups[1].Value;
            server.WriteLine("exit");
            server.WaitForExit(s_wait).ShouldBe(0);
        }

        File.ReadAllText(Path.Combine(serverConfig, "known_clients")).ShouldContain(" verified ");
        using (RunningApp server = StartServer(port, serverConfig))
        {
            Connect(port, clientConfig, "Bob");
            server.WaitForOutput("[*] Peer identity of Bob:", s_wait);
            server.Output.ShouldContain($"Peer identity of Bob: {bob} (verified)");
            server.WriteLine("exit");
            server.WaitForExit(s_wait).ShouldBe(0);
        }
    }

    [Fact]
    public void A_server_with_another_identity_is_refused_before_anything_is_sent_with_exit_code_3_and_accepted_only_by_its_fingerprint()
    {
        string clientConfig = AppUnderTest.NewConfigDir();
        int port = AppUnderTest.FreePort();
        string original;
        using (RunningApp server = StartServer(port, AppUnderTest.NewConfigDir()))
        {
            original = IdentityOf(Connect(port, clientConfig, "Bob"));
            server.WriteLine("exit");
            server.WaitForExit(s_wait).ShouldBe(0);
        }

        // Another server (another identity) now answers at the same address: an impersonator, or a reinstalled server.
        using RunningApp impostor = StartServer(port, AppUnderTest.NewConfigDir());
        using (RunningApp client = AppUnderTest.Start("--client", "localhost", port.ToString(), "--headless", "--name", "Bob", "--config-dir", clientConfig))
        {
            client.WriteLine("this must never be sent");
            client.WaitForExit(s_wait).ShouldBe(3, client.Error);
            client.Error.ShouldContain("HAS CHANGED");
            client.Error.ShouldContain($"Remembered identity: {original}");
            client.Error.ShouldContain("--accept-identity");
            client.Output.ShouldNotContain("Secure connection established");
        }

        impostor.Output.ShouldNotContain("Bob joined");
        impostor.Output.ShouldNotContain("this must never be sent");
        impostor.WaitForOutput("left during the handshake without a word", s_wait);
        impostor.Error.ShouldNotContain("connection was lost", customMessage: "the client's refusal is not the operator's error");
        impostor.WriteLine("/identity");
        impostor.WaitForOutput("[*] your identity: ", s_wait);
        string presented;

        // A wrong fingerprint changes nothing; the presented one, given deliberately, replaces the pin.
        using (RunningApp wrong = AppUnderTest.Start("--client", "localhost", port.ToString(), "--headless", "--config-dir", clientConfig, "--accept-identity", original))
        {
            wrong.WaitForExit(s_wait).ShouldBe(3);
            presented = Regex.Match(wrong.Error, @"Presented identity:\s+([0-9A-F ]{39})").Groups[1].Value;
            wrong.Error.ShouldContain($"The --accept-identity value given ({original}) is not the presented identity: nothing was accepted.");
        }

        impostor.Output.ShouldContain($"[*] your identity: {presented} (kept in ", customMessage: "the operator can read out the fingerprint the client was shown");

        presented.ShouldNotBeEmpty();
        presented.ShouldNotBe(original);
        string accepted = Connect(port, clientConfig, "Bob", "--accept-identity", presented.ToLowerInvariant().Replace(" ", string.Empty, StringComparison.Ordinal));
        accepted.ShouldContain($"Peer identity of Alice: {presented} (new)");
        Connect(port, clientConfig, "Bob").ShouldContain($"Peer identity of Alice: {presented} (known)");
        impostor.WriteLine("exit");
        impostor.WaitForExit(s_wait).ShouldBe(0);
    }

    [Fact]
    public void A_name_belongs_to_the_identity_that_first_used_it_even_when_it_is_not_connected()
    {
        int port = AppUnderTest.FreePort();
        string serverConfig = AppUnderTest.NewConfigDir();
        string aliceConfig = AppUnderTest.NewConfigDir();
        using RunningApp server = StartServer(port, serverConfig, name: "Hub");
        Connect(port, aliceConfig, "Carol");
        server.WaitForOutput("Carol is away", s_wait);

        // Another identity asks for Carol while Carol is away: it gets another name and is told so.
        string mallory = Connect(port, AppUnderTest.NewConfigDir(), "Carol", c => WaitUntilJoined(server, c, "mallory"));
        mallory.ShouldContain("[*] the server named you Carol-2");

        // Carol comes back and gets her own name; the operator's name is reserved for the operator.
        string carol = Connect(port, aliceConfig, "Carol", c => WaitUntilJoined(server, c, "carol"));
        carol.ShouldNotContain("the server named you");
        Connect(port, AppUnderTest.NewConfigDir(), "Hub", c => WaitUntilJoined(server, c, "hub2")).ShouldContain("[*] the server named you Hub-2");
        File.ReadAllText(Path.Combine(serverConfig, "names")).ShouldContain("Carol ");
        server.WriteLine("exit");
        server.WaitForExit(s_wait).ShouldBe(0);
    }

    [Fact]
    public void An_identity_key_file_that_others_can_read_is_refused_with_one_line_and_exit_code_1()
    {
        string config = AppUnderTest.NewConfigDir();
        using (RunningApp first = AppUnderTest.Start("--server", "--port", "0", "--headless", "--config-dir", config))
        {
            first.WaitForOutput("[*] Waiting for client connection...", s_wait);
            first.WriteLine("exit");
            first.WaitForExit(s_wait).ShouldBe(0);
        }

        string key = Path.Combine(config, "identity");
        File.GetUnixFileMode(key).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        using RunningApp refused = AppUnderTest.Start("--server", "--port", "0", "--headless", "--config-dir", config);
        refused.WaitForExit(s_wait).ShouldBe(1);
        string[] lines = refused.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(1, refused.Error);
        lines[0].ShouldContain(key);
        lines[0].ShouldContain("chmod 600");
        refused.Output.ShouldNotContain("listening");
    }

    private static RunningApp StartServer(int port, string config, string name = "Alice")
    {
        RunningApp server = AppUnderTest.StartServer(port, name, "--config-dir", config);
        return server;
    }

    /// <summary>Runs one client session to a secure link (then <paramref name="session"/>), quits, and returns its output.</summary>
    private static string Connect(int port, string config, string name, params string[] extra) => Connect(port, config, name, null, extra);

    private static string Connect(int port, string config, string name, Action<RunningApp>? session, params string[] extra)
    {
        using RunningApp client = AppUnderTest.Start(["--client", "localhost", port.ToString(), "--headless", "--name", name, "--config-dir", config, .. extra]);
        client.WaitForOutput("Peer identity of", s_wait);
        session?.Invoke(client);
        client.WriteLine("exit");
        client.WaitForExit(s_wait).ShouldBe(0, client.Error);
        return client.Output;
    }

    /// <summary>
    /// Returns once the client has everything its join sent it (its final name comes first): the server showed a line
    /// the client sent (so it had joined), and then the client showed a line the operator sent after that.
    /// </summary>
    private static void WaitUntilJoined(RunningApp server, RunningApp client, string tag)
    {
        client.WriteLine($"hello from {tag}");
        server.WaitForOutput($"hello from {tag}", s_wait);
        server.WriteLine($"welcome {tag}");
        client.WaitForOutput($"welcome {tag}", s_wait);
    }

    private static string IdentityOf(string output) => IdentityLine().Match(output).Groups[1].Value;

    [GeneratedRegex(@"Peer identity of [^:]+: ([0-9A-F]{4}(?: [0-9A-F]{4}){7})")]
    private static partial Regex IdentityLine();
}
