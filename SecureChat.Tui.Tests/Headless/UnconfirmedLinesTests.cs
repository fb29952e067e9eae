using System.Diagnostics;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.Headless;

/// <summary>
/// A headless client whose server stalls (a real server process stopped with SIGSTOP: its socket stays open, so
/// nothing but the client's idle limit ends the link, and no Close ever comes).
/// </summary>
public sealed class UnconfirmedLinesTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    /// <summary>The idle limit (45 s) after the server's last heartbeat (at most 15 s before the stop), with room for a loaded machine.</summary>
    private static readonly TimeSpan s_idleEnd = TimeSpan.FromSeconds(90);

    [Fact]
    public void Lines_sent_to_a_stalled_server_are_each_reported_by_text_when_the_idle_limit_ends_the_link()
    {
        int port = AppUnderTest.FreePort();
        using RunningApp server = AppUnderTest.StartServer(port, "Alice");
        using RunningApp client = AppUnderTest.StartClient(port, "Bob", "Alice");
        client.WriteLine("before the stall");
        server.WaitForOutput("[Bob]: before the stall", s_wait);

        server.Signal("STOP");
        var clock = Stopwatch.StartNew();
        string[] sent = ["first into the void", "second into the void", "third into the void"];
        foreach (string line in sent)
        {
            client.WriteLine(line);
        }

        int code = client.WaitForExit(s_idleEnd);
        TimeSpan ended = clock.Elapsed;
        server.Signal("CONT");

        string[] errors = [.. client.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r'))];
        string[] reported = [.. errors.Where(l => l.StartsWith("[!]   not confirmed: ", StringComparison.Ordinal)).Select(l => l["[!]   not confirmed: ".Length..])];
        output.WriteLine($"client exited with {code} {ended.TotalSeconds:0.0} s after the server was stopped; {reported.Length} line(s) reported by text ({sent.Length} were sent after the stop)");
        foreach (string line in errors)
        {
            output.WriteLine("  " + line);
        }

        code.ShouldBe(1, client.Error);
        client.Error.ShouldContain("timed out");
        reported.Length.ShouldBeGreaterThanOrEqualTo(sent.Length, "every line sent after the server was last heard from, by its text:\n" + client.Error);
        reported[^sent.Length..].ShouldBe(sent, "in the order they were sent:\n" + client.Error);

        // The line before the stop is named too when the server sent nothing after it (its heartbeat comes after 15 s of silence).
        reported[..^sent.Length].ShouldBeSubsetOf(["before the stall"]);
        errors.ShouldContain($"[!] {reported.Length} messages you sent are not confirmed: the hub had not acknowledged them when the connection was lost");
    }
}
