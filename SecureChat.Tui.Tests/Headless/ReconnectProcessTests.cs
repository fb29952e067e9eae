using System.Globalization;
using System.Text.RegularExpressions;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.Headless;

/// <summary>
/// A headless <c>--reconnect</c> client whose hub process is killed (SIGKILL, no goodbye) and started again on the
/// same port with the same config directory (so the same identity, which the client has pinned): real processes,
/// real sockets, real time.
/// </summary>
public sealed partial class ReconnectProcessTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(60);

    [Fact]
    public void A_client_whose_hub_is_killed_and_restarted_reconnects_by_itself_and_its_pending_line_arrives_once()
    {
        int port = AppUnderTest.FreePort();
        string hubDir = AppUnderTest.NewConfigDir();
        string p = port.ToString(CultureInfo.InvariantCulture);
        RunningApp first = AppUnderTest.StartServer(port, "Alice", "--config-dir", hubDir);
        using RunningApp client = AppUnderTest.Start("--client", "localhost", p, "--headless", "--reconnect", "--name", "Bob");
        client.WaitForOutput("[*] Alice is the server's operator", s_wait);
        client.WriteLine("before");
        first.WaitForOutput("[Bob]: before", s_wait);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        first.Kill();
        first.Dispose();
        client.WaitForOutput("[*] connecting again in", s_wait);
        client.WriteLine("typed while the hub was away");

        using RunningApp second = AppUnderTest.StartServer(port, "Alice", "--config-dir", hubDir);
        second.WaitForOutput("[Bob]: typed while the hub was away", s_wait);
        TimeSpan back = clock.Elapsed;
        client.WriteLine("after");
        second.WaitForOutput("[Bob]: after", s_wait);
        client.WriteLine("exit");
        int exit = client.WaitForExit(s_wait);

        string[] attempts = [.. Attempt().Matches(client.Output).Select(m => m.Value)];
        output.WriteLine($"back after {back.TotalSeconds:0.0} s; {string.Join("; ", attempts)}");
        output.WriteLine("client stderr: " + client.Error);
        Regex.Matches(second.Output, Regex.Escape("[Bob]: typed while the hub was away")).Count.ShouldBe(1, second.Output);
        Regex.Matches(second.Output, Regex.Escape("[Bob]: before")).Count.ShouldBe(0, "a line that arrived before is not sent again");
        client.Output.ShouldContain("[*] sent the 1 line typed while the connection was away");
        client.Error.ShouldNotContain("changed", customMessage: "the restarted hub has the same identity");
        attempts.ShouldNotBeEmpty();
        exit.ShouldBe(0, "the connection was back when the user quit");
    }

    [Fact]
    public void A_client_that_finds_another_identity_on_its_hubs_port_after_a_restart_refuses_it_never_retries_and_exits_3()
    {
        int port = AppUnderTest.FreePort();
        string p = port.ToString(CultureInfo.InvariantCulture);
        RunningApp first = AppUnderTest.StartServer(port, "Alice");
        using RunningApp client = AppUnderTest.Start("--client", "localhost", p, "--headless", "--reconnect", "--name", "Bob");
        client.WaitForOutput("[*] Alice is the server's operator", s_wait);
        first.Kill();
        first.Dispose();
        client.WaitForOutput("[*] connecting again in", s_wait);
        client.WriteLine("secret typed while away");

        using RunningApp impostor = AppUnderTest.StartServer(port, "Alice"); // a fresh config dir: another identity
        int exit = client.WaitForExit(s_wait);
        Thread.Sleep(500);

        output.WriteLine("client stderr: " + client.Error);
        output.WriteLine("impostor: " + impostor.Output);
        exit.ShouldBe(3, client.Error);
        client.Error.ShouldContain("changed");
        // The impostor may take longer to listen than the first pause: attempts before it answered are fine, none after.
        string afterRefusal = client.Output[client.Output.LastIndexOf("[*] Connected to server", StringComparison.Ordinal)..];
        Attempt().Matches(client.Output).Count.ShouldBeGreaterThanOrEqualTo(1, client.Output);
        Attempt().Matches(afterRefusal).Count.ShouldBe(0, "no attempt after the refusal:\n" + client.Output);
        impostor.Output.ShouldNotContain("secret typed while away");
        impostor.Output.ShouldNotContain("[Bob]");
    }

    [Fact]
    public void A_headless_client_without_reconnect_still_exits_when_its_hub_is_killed()
    {
        int port = AppUnderTest.FreePort();
        using RunningApp server = AppUnderTest.StartServer(port, "Alice");
        using RunningApp client = AppUnderTest.StartClient(port, "Bob", "Alice");

        server.Kill();

        client.WaitForExit(s_wait).ShouldBe(1, client.Error);
        client.Output.ShouldNotContain("connecting again");
    }

    [GeneratedRegex(@"connecting again in [0-9.]+ s \(attempt [0-9]+\)")]
    private static partial Regex Attempt();
}
