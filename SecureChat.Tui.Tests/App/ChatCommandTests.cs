using SecureChat.Engine.Transport;
using SecureChat.Tui.App;
using SecureChat.Tui.Headless;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.App;

/// <summary>Typed lines become the same commands in both modes.</summary>
public sealed class ChatCommandTests
{
    [Theory]
    [InlineData("/help")]
    [InlineData("/HELP")]
    [InlineData("  /Help  ")]
    public void Help_is_recognised_in_any_case_and_with_surrounding_spaces(string line) =>
        Runs(line).ShouldBe("/help");

    [Fact]
    public void Each_command_without_an_argument_parses_to_its_own_kind()
    {
        Runs("/fingerprint").ShouldBe("/fingerprint");
        Runs("/rekey").ShouldBe("/rekey");
        Runs("/peers").ShouldBe("/peers");
        Runs("/clear").ShouldBe("/clear");
        Runs("/quit").ShouldBe("/quit");
        Runs("/ReKey").ShouldBe("/rekey");
    }

    [Fact]
    public void Exit_quits_but_only_as_the_whole_lower_case_word()
    {
        Runs("exit").ShouldBe("/quit");
        Runs(" exit ").ShouldBe("/quit");
        ChatCommand.Parse("exit now").ShouldBe(new ChatCommand.Send("exit now"));
        ChatCommand.Parse("Exit").ShouldBe(new ChatCommand.Send("Exit"));
    }

    [Fact]
    public void Slash_exit_quits_like_slash_quit()
    {
        Runs("/exit").ShouldBe("/quit");
        Runs(" /EXIT ").ShouldBe("/quit");
    }

    [Fact]
    public async Task Say_sends_the_rest_of_the_line_as_it_is_even_exit_or_a_command()
    {
        (await SaidAsync("/say exit", "/say /nick Bob", "/SAY  two spaces kept ", "/say\ttab", "/say", "/say   ")).ShouldBe(
        [
            "exit", "/nick Bob", " two spaces kept ", "tab",
            "! usage: /say TEXT (sends TEXT as it is, for example: /say exit)",
            "! usage: /say TEXT (sends TEXT as it is, for example: /say exit)",
        ]);
    }

    [Fact]
    public async Task Me_sends_an_action_and_without_one_says_how_to_use_it()
    {
        (await SaidAsync("/me waves", "/ME  waves twice ", "/me")).ShouldBe(
            ["/me waves", "/me waves twice", "! usage: /me ACTION (for example: /me waves)"]);
    }

    [Fact]
    public void Nick_takes_the_rest_of_the_line_trimmed_and_keeps_its_case()
    {
        Argument("/nick Bob").ShouldBe("Bob");
        Argument("/NICK   Bob Smith  ").ShouldBe("Bob Smith");
        Argument("/nick\tBob").ShouldBe("Bob");
        Argument("/nick").ShouldBe(string.Empty);
        Argument("/nick   ").ShouldBe(string.Empty);
    }

    [Fact]
    public void Commands_without_arguments_ignore_extra_words()
    {
        Runs("/rekey now").ShouldBe("/rekey");
        Runs("/quit bye").ShouldBe("/quit");
    }

    [Fact]
    public void A_line_starting_with_two_slashes_sends_the_text_with_one_slash_removed()
    {
        ChatCommand.Parse("//nick is a command").ShouldBe(new ChatCommand.Send("/nick is a command"));
        ChatCommand.Parse("//").ShouldBe(new ChatCommand.Send("/"));
        ChatCommand.Parse("///x ").ShouldBe(new ChatCommand.Send("//x "));
        ChatCommand.Parse("  //quit").ShouldBe(new ChatCommand.Send("/quit"));
    }

    [Fact]
    public void An_unknown_command_is_named_in_lower_case()
    {
        ChatCommand.Parse("/bogus").ShouldBe(new ChatCommand.Unknown("/bogus"));
        ChatCommand.Parse("/BoGus with words").ShouldBe(new ChatCommand.Unknown("/bogus"));
        ChatCommand.Parse("/").ShouldBe(new ChatCommand.Unknown("/"));
        ChatCommand.Parse("/nickname Bob").ShouldBe(new ChatCommand.Unknown("/nickname"));
    }

    [Fact]
    public void Any_other_line_is_sent_exactly_as_typed()
    {
        ChatCommand.Parse("hello").ShouldBe(new ChatCommand.Send("hello"));
        ChatCommand.Parse("  hello 你好 😀  ").ShouldBe(new ChatCommand.Send("  hello 你好 😀  "));
        ChatCommand.Parse("a/b").ShouldBe(new ChatCommand.Send("a/b"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t")]
    public void A_blank_line_is_nothing(string line) => ChatCommand.Parse(line).ShouldBeNull();

    /// <summary>The command a line runs, by name.</summary>
    private static string Runs(string line) => ChatCommand.Parse(line).ShouldBeOfType<ChatCommand.Run>().Command.Name;

    private static string Argument(string line) => ChatCommand.Parse(line).ShouldBeOfType<ChatCommand.Run>().Argument;

    /// <summary>What lines typed on a connected client make it send or say: each message it sent, or "! " and each error.</summary>
    private static async Task<string[]> SaidAsync(params string[] lines)
    {
        await using var pair = new LoopbackPair();
        var view = new RecordingView();
        var model = new ChatModel(pair.Client, isServer: false, view, new ClassicWords());
        try
        {
            await pair.ConnectAsync();
            await pair.ClientJoined;
            foreach (string line in lines)
            {
                await model.EnterAsync(line);
            }
        }
        finally
        {
            model.Detach();
        }

        return [.. view.Lines.Where(l => l.Kind is LineKind.Own or LineKind.Error).Select(l => l.Kind == LineKind.Own ? l.Text : "! " + l.Text)];
    }
}
