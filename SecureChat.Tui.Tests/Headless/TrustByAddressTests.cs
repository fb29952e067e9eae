using System.Text.RegularExpressions;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.Headless;

/// <summary>
/// A server's pin holds whatever name or address form reaches it, through real <c>--headless</c> processes: an
/// impostor at a pinned address is refused when reached as <c>localhost</c>, <c>127.1</c> or
/// <c>::ffff:127.0.0.1</c> too (the pin covers the address the connection went to, and address literals are
/// compared in their canonical form), and an identity already pinned under another name is reported as known there.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class TrustByAddressTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public void An_impostor_at_a_pinned_address_is_refused_under_every_other_name_for_that_address()
    {
        string clientConfig = AppUnderTest.NewConfigDir();
        int port = AppUnderTest.FreePort();
        using (RunningApp server = StartServer(port, AppUnderTest.NewConfigDir()))
        {
            Connect("127.0.0.1", port, clientConfig).ShouldContain("(new)");
            server.WriteLine("exit");
            server.WaitForExit(s_wait).ShouldBe(0);
        }

        using RunningApp impostor = StartServer(port, AppUnderTest.NewConfigDir());
        var accepted = new List<string>();
        foreach (string host in new[] { "127.0.0.1", "localhost", "127.1", "::ffff:127.0.0.1", "127.000.000.001" })
        {
            using RunningApp client = AppUnderTest.Start("--client", host, port.ToString(), "--headless", "--name", "Bob", "--config-dir", clientConfig);
            client.WriteLine("secret from " + host);
            client.WriteLine("exit");
            int code = client.WaitForExit(s_wait);
            if (code != 3)
            {
                accepted.Add(host);
            }
            else
            {
                client.Error.ShouldContain("HAS CHANGED");
            }
        }

        output.WriteLine($"the impostor was accepted under {accepted.Count} of 5 names for the pinned 127.0.0.1: {string.Join(", ", accepted)}");
        accepted.ShouldBeEmpty();
        impostor.Output.ShouldNotContain("secret from");
        impostor.WriteLine("exit");
        impostor.WaitForExit(s_wait).ShouldBe(0);
    }

    [Fact]
    public void A_known_identity_reached_under_another_name_is_known_and_says_where_it_was_pinned()
    {
        string clientConfig = AppUnderTest.NewConfigDir();
        string serverConfig = AppUnderTest.NewConfigDir();
        int firstPort = AppUnderTest.FreePort();
        string fingerprint;
        using (RunningApp server = StartServer(firstPort, serverConfig))
        {
            string first = Connect("localhost", firstPort, clientConfig);
            first.ShouldContain("(new)");
            fingerprint = IdentityLine().Match(first).Groups[1].Value;
            Connect("127.0.0.1", firstPort, clientConfig).ShouldContain($"{fingerprint} (known)");
            server.WriteLine("exit");
            server.WaitForExit(s_wait).ShouldBe(0);
        }

        // The same server (its identity) moves to another port: it is not a stranger.
        int secondPort = AppUnderTest.FreePort();
        using (RunningApp moved = StartServer(secondPort, serverConfig))
        {
            string again = Connect("localhost", secondPort, clientConfig);
            output.WriteLine(again);
            again.ShouldContain($"{fingerprint} (known)");
            again.ShouldContain($"this server's identity is pinned as localhost:{firstPort}");
            moved.WriteLine("exit");
            moved.WaitForExit(s_wait).ShouldBe(0);
        }
    }

    [Fact]
    public void An_accepted_identity_change_holds_for_every_name_the_server_was_known_by()
    {
        string clientConfig = AppUnderTest.NewConfigDir();
        int port = AppUnderTest.FreePort();
        using (RunningApp server = StartServer(port, AppUnderTest.NewConfigDir()))
        {
            Connect("localhost", port, clientConfig);
            server.WriteLine("exit");
            server.WaitForExit(s_wait).ShouldBe(0);
        }

        using RunningApp reinstalled = StartServer(port, AppUnderTest.NewConfigDir());
        string presented;
        using (RunningApp refused = AppUnderTest.Start("--client", "127.0.0.1", port.ToString(), "--headless", "--config-dir", clientConfig))
        {
            refused.WaitForExit(s_wait).ShouldBe(3, refused.Output);
            presented = Regex.Match(refused.Error, @"Presented identity:\s+([0-9A-F ]{39})").Groups[1].Value;
        }

        Connect("localhost", port, clientConfig, "--accept-identity", presented).ShouldContain($"{presented} (new)");
        Connect("127.0.0.1", port, clientConfig).ShouldContain($"{presented} (known)");
        reinstalled.WriteLine("exit");
        reinstalled.WaitForExit(s_wait).ShouldBe(0);
    }

    private static RunningApp StartServer(int port, string config)
    {
        RunningApp server = AppUnderTest.StartServer(port, "Alice", "--config-dir", config);
        return server;
    }

    private static string Connect(string host, int port, string config, params string[] extra)
    {
        using RunningApp client = AppUnderTest.Start(["--client", host, port.ToString(), "--headless", "--name", "Bob", "--config-dir", config, .. extra]);
        client.WaitForOutput("Peer identity of", s_wait);
        client.WriteLine("exit");
        client.WaitForExit(s_wait).ShouldBe(0, client.Error);
        return client.Output;
    }

    [GeneratedRegex(@"Peer identity of [^:]+: ([0-9A-F]{4}(?: [0-9A-F]{4}){7})")]
    private static partial Regex IdentityLine();
}
