using System.Text.Json;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.Headless;

/// <summary>Direct messages through the real headless process on a real hub: the query's lines and --json fields.</summary>
public sealed class HeadlessDirectMessageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public void A_direct_message_prints_under_the_sender_s_query_and_its_json_line_carries_the_sender_s_identity()
    {
        int port = AppUnderTest.FreePort();
        using RunningApp server = AppUnderTest.StartServer(port, "Alice");
        using RunningApp bob = AppUnderTest.StartClient(port, "Bob", "Alice");
        using RunningApp carol = AppUnderTest.Start("--client", "localhost", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json", "--name", "Carol");
        carol.WaitForOutput("\"event\":\"operator\"", s_wait);

        bob.WriteLine("/msg Carol psst");
        carol.WaitForOutput("\"text\":\"psst\"", s_wait);
        bob.WriteLine("/msg Nobody hello");
        bob.WaitForError("[!] message to Nobody not delivered: nobody called Nobody is on the hub", s_wait);
        carol.WriteLine("exit");
        carol.WaitForExit(s_wait).ShouldBe(0);

        output.WriteLine(carol.Output);
        JsonElement direct = carol.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Single(e => e.GetProperty("event").GetString() == "message" && e.GetProperty("text").GetString() == "psst");
        direct.GetProperty("from").GetString().ShouldBe("Bob");
        direct.GetProperty("direct").GetBoolean().ShouldBeTrue();
        direct.GetProperty("with").GetString().ShouldBe(direct.GetProperty("identity").GetString());
        direct.TryGetProperty("room", out _).ShouldBeFalse();

        // Dave writes in text mode (a new identity: the name Carol stays Carol's, so another would get Carol-2): Bob's
        // output names the query by the sender's name.
        using RunningApp carol2 = AppUnderTest.StartClient(port, "Dave", "Alice");
        carol2.WriteLine("/msg Bob hi back");
        bob.WaitForOutput("[@Dave] [Dave]: hi back", s_wait);
        carol2.WriteLine("exit");
        bob.WriteLine("exit");
        bob.WaitForExit(s_wait).ShouldBe(0);
        server.WriteLine("exit");
        server.WaitForExit(s_wait).ShouldBe(0);
    }
}
