using System.Net;
using SecureChat.Engine.Transport;
using SecureChat.Tui.App;
using SecureChat.Tui.Headless;

namespace SecureChat.Tui.Tests.Headless;

/// <summary>Headless lines as printed, for the lines a hub can relay.</summary>
public sealed class ConsoleViewTests
{
    private static readonly PeerInfo s_server = new(1, new IPEndPoint(IPAddress.Loopback, 12345), "Alice", Engine.Session.SessionStage.Secure, "F", "S", null);

    [Fact]
    public void A_relayed_message_in_the_operators_name_cannot_look_like_the_operators_own()
    {
        var words = new ClassicWords();
        using var output = new StringWriter();
        var view = new ConsoleView(output, TextWriter.Null);

        view.Show(words.Message(new ChatMessage("Alice", "hi", DateTimeOffset.Now, s_server), fromOperator: true));
        view.Show(words.Message(new ChatMessage("Alice", "hi", DateTimeOffset.Now, s_server) { Relayed = true }, fromOperator: false));
        view.Show(words.Message(new ChatMessage("Alice:operator", "hi", DateTimeOffset.Now, s_server) { Relayed = true }, fromOperator: false));
        view.Show(words.Message(new ChatMessage("Alice", "/me waves", DateTimeOffset.Now, s_server) { Relayed = true }, fromOperator: false));

        output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ShouldBe(
        [
            "[Alice:operator]: hi",
            "[Alice]: hi",
            @"[Alice\u{003A}operator]: hi",
            "[Alice]: * waves",
        ]);
    }

    [Fact]
    public void Messages_that_may_not_have_arrived_are_one_json_event_listing_them_and_a_line_each_in_text()
    {
        var words = new ClassicWords();
        string[] lines = ["one", "two \u001b[31m", "three"];
        using var json = new StringWriter();
        using var text = new StringWriter();
        var jsonView = new ConsoleView(json, TextWriter.Null, json: true);
        var textView = new ConsoleView(TextWriter.Null, text);

        foreach (ChatLine line in words.Unconfirmed(lines))
        {
            jsonView.Show(line);
            textView.Show(line);
        }

        string[] events = json.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        events.Length.ShouldBe(1, json.ToString());
        System.Text.Json.JsonElement e = System.Text.Json.JsonDocument.Parse(events[0]).RootElement;
        e.GetProperty("event").GetString().ShouldBe("unconfirmed");
        e.GetProperty("count").GetInt32().ShouldBe(3);
        e.GetProperty("lines").EnumerateArray().Select(l => l.GetString()).ShouldBe(lines);
        text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).Skip(1).ShouldBe(
        [
            "[!]   may not have arrived: one",
            @"[!]   may not have arrived: two \u{001B}[31m",
            "[!]   may not have arrived: three",
        ]);
    }
}
