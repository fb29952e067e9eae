using SecureChat.Tui.App;

namespace SecureChat.Tui.Tests.App;

/// <summary>Typed lines become the same commands in both modes.</summary>
public sealed class ChatCommandTests
{
    [Theory]
    [InlineData("/help")]
    [InlineData("/HELP")]
    [InlineData("  /Help  ")]
    public void Help_is_recognised_in_any_case_and_with_surrounding_spaces(string line) =>
        ChatCommand.Parse(line).ShouldBe(new ChatCommand.Help());

    [Fact]
    public void Each_command_without_an_argument_parses_to_its_own_kind()
    {
        ChatCommand.Parse("/fingerprint").ShouldBe(new ChatCommand.Fingerprint());
        ChatCommand.Parse("/rekey").ShouldBe(new ChatCommand.Rekey());
        ChatCommand.Parse("/peers").ShouldBe(new ChatCommand.Peers());
        ChatCommand.Parse("/clear").ShouldBe(new ChatCommand.Clear());
        ChatCommand.Parse("/quit").ShouldBe(new ChatCommand.Quit());
        ChatCommand.Parse("/ReKey").ShouldBe(new ChatCommand.Rekey());
    }

    [Fact]
    public void Exit_quits_but_only_as_the_whole_lower_case_word()
    {
        ChatCommand.Parse("exit").ShouldBe(new ChatCommand.Quit());
        ChatCommand.Parse(" exit ").ShouldBe(new ChatCommand.Quit());
        ChatCommand.Parse("exit now").ShouldBe(new ChatCommand.Send("exit now"));
        ChatCommand.Parse("Exit").ShouldBe(new ChatCommand.Send("Exit"));
    }

    [Fact]
    public void Slash_exit_quits_like_slash_quit()
    {
        ChatCommand.Parse("/exit").ShouldBe(new ChatCommand.Quit());
        ChatCommand.Parse(" /EXIT ").ShouldBe(new ChatCommand.Quit());
    }

    [Fact]
    public void Say_sends_the_rest_of_the_line_as_it_is_even_exit_or_a_command()
    {
        ChatCommand.Parse("/say exit").ShouldBe(new ChatCommand.Send("exit"));
        ChatCommand.Parse("/say /nick Bob").ShouldBe(new ChatCommand.Send("/nick Bob"));
        ChatCommand.Parse("/SAY  two spaces kept ").ShouldBe(new ChatCommand.Send(" two spaces kept "));
        ChatCommand.Parse("/say\ttab").ShouldBe(new ChatCommand.Send("tab"));
        ChatCommand.Parse("/say").ShouldBeOfType<ChatCommand.Usage>().Text.ShouldStartWith("usage: /say TEXT");
        ChatCommand.Parse("/say   ").ShouldBeOfType<ChatCommand.Usage>();
        ChatCommand.CommandNames.ShouldContain("/say");
        ChatCommand.CommandNames.ShouldContain("/exit");
    }

    [Fact]
    public void Nick_takes_the_rest_of_the_line_trimmed_and_keeps_its_case()
    {
        ChatCommand.Parse("/nick Bob").ShouldBe(new ChatCommand.Nick("Bob"));
        ChatCommand.Parse("/NICK   Bob Smith  ").ShouldBe(new ChatCommand.Nick("Bob Smith"));
        ChatCommand.Parse("/nick\tBob").ShouldBe(new ChatCommand.Nick("Bob"));
        ChatCommand.Parse("/nick").ShouldBe(new ChatCommand.Nick(string.Empty));
        ChatCommand.Parse("/nick   ").ShouldBe(new ChatCommand.Nick(string.Empty));
    }

    [Fact]
    public void Commands_without_arguments_ignore_extra_words()
    {
        ChatCommand.Parse("/rekey now").ShouldBe(new ChatCommand.Rekey());
        ChatCommand.Parse("/quit bye").ShouldBe(new ChatCommand.Quit());
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
}
