using System.Text.Json;
using System.Text.RegularExpressions;
using SecureChat.Engine.Transport;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.Headless;

/// <summary>Headless output as scripts read it: one grammar for text lines, and one JSON object per line with --json.</summary>
public sealed partial class OutputGrammarTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Every_text_line_follows_the_one_documented_grammar_and_the_operator_is_marked()
    {
        int port = AppUnderTest.FreePort();
        using RunningApp server = AppUnderTest.StartServer(port, "Alice", "--timestamps");
        using RunningApp carol = AppUnderTest.Start("--client", "localhost", port.ToString(), "--headless", "--name", "Carol", "--timestamps");
        server.WaitForOutput("[*] Carol joined", s_wait);
        await using var bob = new ChatClient(new ChatOptions { Name = "Bob" });
        await bob.ConnectAsync("127.0.0.1", port).WaitAsync(s_wait, TestContext.Current.CancellationToken);

        // A member reads only the epochs it was in: Bob's texts must be of an epoch Carol is in. Once the operator has
        // applied the commit that added her, a text Bob sends is of that epoch or later (one of an older epoch is
        // answered stale and sent again), whether he was added before her or after.
        server.WaitForOutput("encryption: Carol (identity", s_wait);
        carol.WaitForOutput("[*] Bob joined", s_wait);

        await bob.SendAsync("hi", TestContext.Current.CancellationToken);
        await bob.SendAsync("/me waves", TestContext.Current.CancellationToken);
        await bob.SendAsync("* not an action", TestContext.Current.CancellationToken);
        server.WriteLine("hello from the operator");
        server.WriteLine("/me nods");
        carol.WaitForOutput("[Alice:operator]: * nods", s_wait);
        carol.WaitForOutput("[Bob]: * not an action", s_wait); // Bob's texts wait in the room's group until he is in it
        carol.WriteLine("/nosuchcommand");
        carol.WriteLine("exit");
        carol.WaitForExit(s_wait).ShouldBe(0);

        foreach (string line in Lines(carol.Output).Concat(Lines(carol.Error)))
        {
            output.WriteLine(line);
        }

        carol.Output.ShouldContain("[#lobby] [Bob]: hi", customMessage: "a room's line names its room");
        carol.Output.ShouldContain("[#lobby] [*] Bob joined");
        carol.Output.ShouldContain("[Bob]: * waves");
        carol.Output.ShouldContain("[Bob]: * not an action");
        carol.Output.ShouldContain("[Alice:operator]: hello from the operator");
        carol.Output.ShouldContain("[*] Alice is the server's operator");
        Lines(carol.Output).ShouldAllBe(l => OutputLine().IsMatch(l));
        Lines(carol.Error).ShouldNotBeEmpty();
        Lines(carol.Error).ShouldAllBe(l => ErrorLine().IsMatch(l));
        Lines(server.Output).ShouldAllBe(l => OutputLine().IsMatch(l));
        server.Output.ShouldContain("[*] New connection from 127.0.0.1:");
        server.Output.ShouldContain("[Bob]: * waves");
        server.Output.ShouldNotContain(":operator]");

        server.WriteLine("exit");
        server.WaitForExit(s_wait).ShouldBe(0);
    }

    [Fact]
    public async Task Json_gives_one_object_per_line_and_event_with_the_text_exactly_as_sent_and_nothing_that_acts_on_a_terminal()
    {
        int port = AppUnderTest.FreePort();
        using RunningApp server = AppUnderTest.StartServer(port, "Alice");
        using RunningApp carol = AppUnderTest.Start("--client", "localhost", port.ToString(), "--json", "--name", "Carol");
        server.WaitForOutput("[*] Carol joined", s_wait);
        await using var bob = new ChatClient(new ChatOptions { Name = "Bob" });
        await bob.ConnectAsync("127.0.0.1", port).WaitAsync(s_wait, TestContext.Current.CancellationToken);

        // A member reads only the epochs it was in: Bob's texts must be of an epoch Carol is in. Once the operator has
        // applied the commit that added her, a text Bob sends is of that epoch or later (one of an older epoch is
        // answered stale and sent again), whether he was added before her or after.
        server.WaitForOutput("encryption: Carol (identity", s_wait);

        const string tricky = "red \u001b[31m \"quoted\" back\\slash\nsecond line \u202Eevil 😀";
        await bob.SendAsync(tricky, TestContext.Current.CancellationToken);
        await bob.SendAsync("/me waves", TestContext.Current.CancellationToken);
        carol.WaitForOutput("\"text\":\"waves\"", s_wait); // Bob's texts wait in the room's group until he is in it
        bob.ChangeName("Robert");
        carol.WaitForOutput("\"to\":\"Robert\"", s_wait);
        server.WriteLine("hello");
        carol.WaitForOutput("\"text\":\"hello\"", s_wait);
        carol.WriteLine("/nosuchcommand");
        carol.WriteLine("exit");
        carol.WaitForExit(s_wait).ShouldBe(0);

        carol.Error.ShouldBeEmpty("with --json everything is a JSON line on standard output");
        JsonElement[] events = [.. Lines(carol.Output).Select(l =>
        {
            output.WriteLine(l);
            l.ShouldNotContain("\u001b");
            l.ShouldNotContain("\u202E");
            return JsonDocument.Parse(l).RootElement;
        })];
        events.ShouldAllBe(e => Iso8601().IsMatch(e.GetProperty("time").GetString()!));
        events.ShouldAllBe(e => e.GetProperty("event").GetString()!.Length > 0);
        events.ShouldAllBe(e => HasText(e));

        JsonElement message = events.Single(e => e.GetProperty("event").GetString() == "message" && e.GetProperty("from").GetString() == "Bob");
        message.GetProperty("text").GetString().ShouldBe(tricky, "the text exactly as sent");
        message.GetProperty("identity").GetString()!.ShouldMatch(@"^([0-9A-F]{4} ){7}[0-9A-F]{4}$");
        message.GetProperty("operator").GetBoolean().ShouldBeFalse();
        message.GetProperty("room").GetString().ShouldBe("#lobby");
        JsonElement me = events.Single(e => e.GetProperty("event").GetString() == "me");
        me.GetProperty("text").GetString().ShouldBe("waves");
        me.GetProperty("from").GetString().ShouldBe("Bob");
        JsonElement hello = events.Single(e => e.GetProperty("event").GetString() == "message" && e.GetProperty("from").GetString() == "Alice");
        hello.GetProperty("operator").GetBoolean().ShouldBeTrue();
        events.ShouldContain(e => e.GetProperty("event").GetString() == "operator" && e.GetProperty("from").GetString() == "Alice");
        events.ShouldContain(e => e.GetProperty("event").GetString() == "join" && e.GetProperty("from").GetString() == "Bob");
        events.ShouldContain(e => e.GetProperty("event").GetString() == "rename" && e.GetProperty("from").GetString() == "Bob" && e.GetProperty("to").GetString() == "Robert");
        events.ShouldContain(e => e.GetProperty("event").GetString() == "identity" && e.GetProperty("from").GetString() == "Alice");
        events.ShouldContain(e => e.GetProperty("event").GetString() == "secure" && e.GetProperty("fingerprint").GetString()!.Length > 0);
        events.ShouldContain(e => e.GetProperty("event").GetString() == "error" && e.GetProperty("text").GetString()!.Contains("/nosuchcommand"));

        server.WriteLine("exit");
        server.WaitForExit(s_wait).ShouldBe(0);
    }

    private static bool HasText(JsonElement e) => e.TryGetProperty("text", out JsonElement text) && text.ValueKind == JsonValueKind.String;

    private static string[] Lines(string text) => [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r'))];

    private const string Time = @"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d";

    /// <summary>A window's prefix: a room (# and a name: no space, no ]) or a query's partner (a name: no ], no :).</summary>
    private const string Window = @"(\[(#[^\] ]+|@[^\]:]+)\] )?";

    [GeneratedRegex("^" + Time + " " + Window + @"(\[\*\] .*|\[[^\]:]+(:operator)?\]: .*)$")]
    private static partial Regex OutputLine();

    [GeneratedRegex("^" + Time + " " + Window + @"\[!\] .*$")]
    private static partial Regex ErrorLine();

    [GeneratedRegex("^" + Time + "$")]
    private static partial Regex Iso8601();
}
