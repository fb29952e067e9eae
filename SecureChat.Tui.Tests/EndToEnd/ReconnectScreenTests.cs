using System.Globalization;
using System.Text.RegularExpressions;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.EndToEnd;

/// <summary>
/// A full-screen client in a real terminal (tmux) whose hub process is killed (SIGKILL, no goodbye): it reconnects
/// by itself (the default on the full screen), counts down in the status bar, shows a line typed meanwhile as
/// pending and sends it once the hub, started again with the same config directory, is back.
/// </summary>
public sealed partial class ReconnectScreenTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(60);

    [Fact]
    public void A_client_whose_hub_is_killed_counts_down_shows_a_line_typed_meanwhile_as_pending_and_sends_it_once_the_hub_is_back()
    {
        using Tmux tmux = TmuxApp.NewTmuxOrSkip();
        int port = AppUnderTest.FreePort();
        string hubDir = AppUnderTest.NewConfigDir();
        RunningApp first = AppUnderTest.StartServer(port, "Alice", "--config-dir", hubDir);
        TmuxApp client = StartSecureClient(tmux, port);

        string counting = KillAndWaitForCountdown(first, tmux);
        output.WriteLine("status while away: " + Tmux.StatusLine(counting).Trim());
        tmux.Type("client", "typed while the hub was away");
        string pending = tmux.WaitForScreen("client", s => s.Contains("<Bob> typed while the hub was away (pending)", StringComparison.Ordinal), s_wait, "the line shown pending");
        pending.ShouldNotContain("not sent");

        using RunningApp second = AppUnderTest.StartServer(port, "Alice", "--config-dir", hubDir);
        second.WaitForOutput("[Bob]: typed while the hub was away", s_wait);
        string back = tmux.WaitForScreen(
            "client",
            s => Tmux.StatusLine(s).Contains("secure", StringComparison.Ordinal) && s.Contains("sent the 1 line typed while the connection was away", StringComparison.Ordinal),
            s_wait,
            "the client secure again with its line sent");
        output.WriteLine(back);
        back.ShouldNotContain("(pending)");
        back.ShouldContain("<Bob> typed while the hub was away");

        tmux.Keys("client", "F10");
        Tmux.WaitForExitFile(client.ExitFile, s_wait).ShouldBe("EXIT:0", "the connection was back when the user quit");
        Regex.Matches(second.Output, Regex.Escape("[Bob]: typed while the hub was away")).Count.ShouldBe(1);
    }

    [Fact]
    public void Quitting_while_the_hub_is_away_lists_the_lines_still_pending_as_not_sent_and_exits_1()
    {
        using Tmux tmux = TmuxApp.NewTmuxOrSkip();
        int port = AppUnderTest.FreePort();
        RunningApp server = AppUnderTest.StartServer(port, "Alice");
        TmuxApp client = StartSecureClient(tmux, port);
        KillAndWaitForCountdown(server, tmux);
        tmux.Type("client", "never sent");
        tmux.WaitForScreen("client", s => s.Contains("<Bob> never sent (pending)", StringComparison.Ordinal), s_wait, "the line shown pending");

        tmux.Keys("client", "F10");

        Tmux.WaitForExitFile(client.ExitFile, s_wait).ShouldBe("EXIT:1", "the connection was lost and not back");
        string after = tmux.Capture("client");
        output.WriteLine(after);
        after.ShouldContain("1 line typed while the connection was away was not sent");
        after.ShouldContain("not sent: never sent");
    }

    [Fact]
    public void A_hub_with_another_identity_on_the_same_port_after_a_restart_gets_the_warning_no_second_attempt_and_the_run_exits_3()
    {
        using Tmux tmux = TmuxApp.NewTmuxOrSkip();
        int port = AppUnderTest.FreePort();
        RunningApp first = AppUnderTest.StartServer(port, "Alice");
        TmuxApp client = StartSecureClient(tmux, port);
        KillAndWaitForCountdown(first, tmux);

        using RunningApp impostor = AppUnderTest.StartServer(port, "Alice"); // its own config dir: another identity
        string warning = tmux.WaitForScreen(
            "client",
            s => s.Contains("Presented identity:", StringComparison.Ordinal) && s.Contains("--accept-identity \"", StringComparison.Ordinal) && Tmux.StatusLine(s).Contains("identity changed", StringComparison.Ordinal),
            s_wait,
            "the changed-identity warning");
        Thread.Sleep(TimeSpan.FromSeconds(5)); // attempt 2 would have come within 2.4 s
        output.WriteLine(warning);
        output.WriteLine("impostor: " + impostor.Output);
        Regex.Matches(impostor.Output, "New connection from").Count.ShouldBe(1, "one attempt reached the impostor, and no other");
        impostor.Output.ShouldNotContain("[Bob]");

        tmux.Keys("client", "Escape");
        Tmux.WaitForExitFile(client.ExitFile, s_wait).ShouldBe("EXIT:3");
    }

    /// <summary>Starts Bob's full-screen client of the hub at <paramref name="port"/> in the session "client" and waits until it is secure.</summary>
    private static TmuxApp StartSecureClient(Tmux tmux, int port)
    {
        TmuxApp client = TmuxApp.Start(tmux, "client", ["--client", "localhost", port.ToString(CultureInfo.InvariantCulture), "--name", "Bob"]);
        tmux.WaitForScreen("client", s => Tmux.StatusLine(s).Contains("secure", StringComparison.Ordinal), s_wait, "the client's secure stage");
        return client;
    }

    /// <summary>Kills the hub (SIGKILL, no goodbye) and waits for the client's countdown; returns that screen.</summary>
    private static string KillAndWaitForCountdown(RunningApp hub, Tmux tmux)
    {
        hub.Kill();
        hub.Dispose();
        return tmux.WaitForScreen("client", s => Countdown().IsMatch(Tmux.StatusLine(s)), s_wait, "the countdown in the status bar");
    }

    [GeneratedRegex(@"reconnecting in [0-9]+ s \(attempt [0-9]+\)")]
    private static partial Regex Countdown();
}
