using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.Headless;

/// <summary>Each thing that happens is said once, and says why (real <c>--headless</c> processes).</summary>
public sealed class LogNoiseTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public void A_member_leaving_is_one_line_and_a_message_after_everyone_left_says_so()
    {
        int port = AppUnderTest.FreePort();
        using RunningApp server = AppUnderTest.StartServer(port, "Alice");
        server.WriteLine("anyone?");
        using (RunningApp client = AppUnderTest.Start("--client", "localhost", port.ToString(), "--headless", "--name", "Bob"))
        {
            server.WaitForOutput("[*] Bob joined", s_wait);
            server.WaitForOutput("was added by you", s_wait); // the operator's commit adding Bob, which may come after he is away
            client.WriteLine("exit");
            client.WaitForExit(s_wait).ShouldBe(0);
        }

        server.WaitForOutput("[*] Bob is away", s_wait);
        server.WriteLine("hello?");
        server.WriteLine("exit");
        server.WaitForExit(s_wait).ShouldBe(0);
        output.WriteLine(server.Output);
        output.WriteLine(server.Error);

        string[] after = [.. Lines(server.Output).SkipWhile(l => l != "[#lobby] [*] Bob is away")];
        after.ShouldBe(["[#lobby] [*] Bob is away"], "the departure is said once, in the room they shared");
        Lines(server.Error).ShouldBe(
        [
            "[!] no client is connected yet: message not sent",
            "[!] message not sent: no client is connected any more (all have left)",
        ]);
    }

    [Fact]
    public void A_client_asked_for_a_proof_of_work_says_why_it_connects_again()
    {
        int port = AppUnderTest.FreePort();
        using RunningApp server = AppUnderTest.StartServer(port, "Alice", "--puzzle", "always", "--puzzle-bits", "8");
        using RunningApp client = AppUnderTest.StartClient(port, "Bob", "Alice");
        client.WriteLine("exit");
        client.WaitForExit(s_wait).ShouldBe(0);
        output.WriteLine(client.Output);

        Lines(client.Output).Count(l => l.StartsWith("[*] Connecting to", StringComparison.Ordinal)).ShouldBe(1);
        client.Output.ShouldContain($"[*] the server is under load and asked for a proof of work: solved; connecting again to localhost:{port} with it");
        server.WriteLine("exit");
        server.WaitForExit(s_wait).ShouldBe(0);
    }

    [Fact]
    public void A_server_that_asks_for_a_proof_of_work_announces_only_the_connection_that_comes_back_with_it()
    {
        int port = AppUnderTest.FreePort();
        using RunningApp server = AppUnderTest.StartServer(port, "Alice", "--puzzle", "always", "--puzzle-bits", "8");
        using (RunningApp client = AppUnderTest.Start("--client", "localhost", port.ToString(), "--headless", "--name", "Bob"))
        {
            client.WaitForOutput("[*] Alice is the server's operator", s_wait);
            server.WaitForOutput("[*] Bob joined", s_wait);
            client.WriteLine("exit");
            client.WaitForExit(s_wait).ShouldBe(0);
            client.Output.ShouldContain("asked for a proof of work: solved", customMessage: "the server did puzzle the first connection");
        }

        server.WaitForOutput("[*] Bob is away", s_wait);
        server.WriteLine("exit");
        server.WaitForExit(s_wait).ShouldBe(0);
        output.WriteLine(server.Output);
        output.WriteLine(server.Error);

        // Every connection announced is followed by what became of it: the puzzled one, which ended at its hello,
        // leaves no line that nothing finishes.
        string[] lines = Lines(server.Output);
        string[] opened = [.. lines.Where(l => l.StartsWith("[*] New connection from ", StringComparison.Ordinal)).Select(l => l["[*] New connection from ".Length..])];
        output.WriteLine($"connections announced: {opened.Length}");
        opened.Length.ShouldBe(1, "one client attempt, one announced connection (the one that came back with the answer)");
        lines.ShouldContain($"[*] Secure connection established with {opened[0]}");
        server.Error.ShouldBeEmpty();
    }

    private static string[] Lines(string text) => [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r'))];
}
