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
}
