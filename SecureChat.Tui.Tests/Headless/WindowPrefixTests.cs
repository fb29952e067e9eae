using System.Net;
using System.Text.Json;
using SecureChat.Engine.Transport;
using SecureChat.Tui.App;
using SecureChat.Tui.Headless;

namespace SecureChat.Tui.Tests.Headless;

/// <summary>Every headless line names its window: a room, a direct conversation (by the partner's current name), or none for the status window.</summary>
public sealed class WindowPrefixTests
{
    private const string Bob = "B0B0 0000 0000 0000 0000 0000 0000 0002";
    private static readonly PeerInfo s_server = new(1, new IPEndPoint(IPAddress.Loopback, 12345), "Alice", Engine.Session.SessionStage.Secure, "F", "S", null);

    private static ChatLine FromBob(string text, string window) =>
        new ClassicWords().Message(new ChatMessage("Bob", text, DateTimeOffset.Now, s_server) { Relayed = true, SenderIdentity = Bob }, fromOperator: false) with { Window = window };

    [Fact]
    public void Text_lines_start_with_the_room_or_the_query_partner_s_current_name_and_status_lines_with_nothing()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var view = new ConsoleView(output, error);
        view.OpenWindow(new WindowInfo("#dev", "#dev", WindowKind.Room));
        view.OpenWindow(new WindowInfo("@" + Bob, "Bob", WindowKind.Query, Bob, "relayed"));

        view.Show(FromBob("in dev", "#dev"));
        view.Show(FromBob("/me waves", "#dev"));
        view.Show(FromBob("just you", "@" + Bob));
        view.OpenWindow(new WindowInfo("@" + Bob, "Robert", WindowKind.Query, Bob, "relayed"));
        view.Show(FromBob("renamed", "@" + Bob));
        view.Show(ChatLine.Notice("Bob joined") with { Window = "#dev" });
        view.Show(ChatLine.Notice("hub news"));
        view.Show(ChatLine.Error("you are muted") with { Window = "#dev" });

        output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldBe(
        [
            "[#dev] [Bob]: in dev",
            "[#dev] [Bob]: * waves",
            "[@Bob] [Bob]: just you",
            "[@Robert] [Bob]: renamed",
            "[#dev] [*] Bob joined",
            "[*] hub news",
        ]);
        error.ToString().ShouldBe("[#dev] [!] you are muted\n");
    }

    [Fact]
    public void Json_lines_carry_the_room_or_for_a_direct_conversation_the_partner_s_identity()
    {
        using var output = new StringWriter();
        var view = new ConsoleView(output, TextWriter.Null, json: true);

        view.Show(FromBob("in dev", "#dev"));
        view.Show(FromBob("just you", "@" + Bob));
        view.Show(ChatLine.Notice("hub news"));

        JsonElement[] lines = [.. output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)];
        lines[0].GetProperty("room").GetString().ShouldBe("#dev");
        lines[0].TryGetProperty("direct", out _).ShouldBeFalse();
        lines[1].GetProperty("direct").GetBoolean().ShouldBeTrue();
        lines[1].GetProperty("with").GetString().ShouldBe(Bob);
        lines[1].GetProperty("from").GetString().ShouldBe("Bob");
        lines[1].TryGetProperty("room", out _).ShouldBeFalse();
        lines[2].TryGetProperty("room", out _).ShouldBeFalse();
    }

    [Fact]
    public void A_line_about_a_room_said_in_the_status_window_still_names_its_room_in_json()
    {
        using var output = new StringWriter();
        var view = new ConsoleView(output, output, json: true);
        var words = new ClassicWords();

        view.Show(words.Parted("Carol", null, "#dev", "bye", self: true));
        view.Show(words.Reply(new HubReply(ReplyCode.NoSuchName, null, true, string.Empty, "Nobody", null, string.Empty, s_server), "Nobody"));

        JsonElement[] lines = [.. output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)];
        lines[0].GetProperty("room").GetString().ShouldBe("#dev");
        lines[0].GetProperty("text").GetString().ShouldBe("you left #dev: bye");
        lines[1].GetProperty("event").GetString().ShouldBe("refused");
        lines[1].GetProperty("code").GetString().ShouldBe("NoSuchName");
        lines[1].TryGetProperty("room", out _).ShouldBeFalse("a direct message's refusal is about no room");
    }
}
