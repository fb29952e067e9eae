using System.Text.RegularExpressions;
using SecureChat.Engine.Transport;
using SecureChat.Tui.App;
using SecureChat.Tui.Headless;
using SecureChat.Tui.Tests.Support;
using SecureChat.Tui.Views;

namespace SecureChat.Tui.Tests.App;

/// <summary>
/// The command table is the one place a command exists: what parses is what Tab completes and what /help lists, in
/// both modes and for both roles, and every handler in it does something.
/// </summary>
public sealed partial class CommandTableTests
{
    public static TheoryData<bool, string> RolesAndModes => new()
    {
        { false, "screen" },
        { true, "screen" },
        { false, "headless" },
        { true, "headless" },
    };

    [Theory]
    [MemberData(nameof(RolesAndModes))]
    public void Every_spelling_of_every_command_parses_to_its_entry_and_Tab_completes_it(bool isServer, string modeName)
    {
        CommandModes mode = Mode(modeName);
        CommandEntry[] commands = [.. ChatCommands.For(isServer, mode)];
        commands.ShouldNotBeEmpty();
        IReadOnlyList<string> completed = ChatCommands.Names(isServer, mode);
        foreach (CommandEntry command in commands)
        {
            foreach (string spelling in command.Spellings)
            {
                ChatCommand.Parse(spelling.ToUpperInvariant() + " x", commands).ShouldBeOfType<ChatCommand.Run>().Command.ShouldBeSameAs(command, spelling);
                completed.ShouldContain(spelling);
                Completion.Start(spelling, spelling.Length, completed, []).ShouldNotBeNull(spelling).Candidates.ShouldContain(spelling);
            }
        }

        completed.Count.ShouldBe(commands.Sum(c => c.Spellings.Count()), "Tab completes nothing that is not a command");
        ChatCommand.Parse("/nosuchcommand", commands).ShouldBe(new ChatCommand.Unknown("/nosuchcommand"));
    }

    [Theory]
    [MemberData(nameof(RolesAndModes))]
    public void Help_typed_in_each_mode_lists_exactly_the_commands_of_the_table_for_that_role(bool isServer, string modeName)
    {
        CommandModes mode = Mode(modeName);
        ChatWords words = mode == CommandModes.Screen ? new ScreenWords() : new ClassicWords();
        words.Mode.ShouldBe(mode);
        var view = new RecordingView();
        ChatEndpoint endpoint = isServer ? new ChatServer(new ChatOptions()) : new ChatClient(new ChatOptions());
        var model = new ChatModel(endpoint, isServer, view, words);
        try
        {
            model.EnterAsync("/help").IsCompletedSuccessfully.ShouldBeTrue();
        }
        finally
        {
            model.Detach();
        }

        string[] help = [.. view.Lines.Select(l => l.Text)];
        TestContext.Current.TestOutputHelper?.WriteLine($"{(isServer ? "server" : "client")}, {modeName}: {help.Length} lines\n{string.Join('\n', help)}");
        CommandEntry[] commands = [.. ChatCommands.For(isServer, mode)];
        string[] expected = [.. commands.SelectMany(c => c.Spellings).Order(StringComparer.Ordinal)];
        help[0].ShouldStartWith("commands: ");
        Command().Matches(help[0]).Select(m => m.Value).Order(StringComparer.Ordinal).ToArray().ShouldBe(expected, customMessage: "the commands line names each command once");
        foreach (CommandEntry command in commands)
        {
            help.ShouldContain(l => l.StartsWith(command.Synopsis, StringComparison.Ordinal) && l.EndsWith(": " + command.Help, StringComparison.Ordinal), command.Name);
        }

        string[] named = [.. help.SelectMany(l => Command().Matches(l).Select(m => m.Value)).Distinct().Order(StringComparer.Ordinal)];
        named.ShouldBe(expected, customMessage: "help names no command that does not parse");
    }

    [Theory]
    [MemberData(nameof(RolesAndModes))]
    public async Task Every_handler_in_the_table_answers_on_a_chat_that_is_not_connected(bool isServer, string modeName)
    {
        CommandModes mode = Mode(modeName);
        foreach (CommandEntry command in ChatCommands.For(isServer, mode))
        {
            var view = new RecordingView();
            ChatEndpoint endpoint = isServer ? new ChatServer(new ChatOptions()) : new ChatClient(new ChatOptions());
            var model = new ChatModel(endpoint, isServer, view, mode == CommandModes.Screen ? new ScreenWords() : new ClassicWords());
            int before = view.Lines.Count;
            // A client's /nick before it is connected says nothing yet: the name goes in its hello, and the server's
            // answer says which name it got. The hub's answers to its operator (a /part) come as events, a moment later.
            bool Answered() => view.Lines.Count > before || view.Quits > 0 || view.Clears > 0 || (command.Name == "/nick" && endpoint.Name == "word");
            try
            {
                await model.EnterAsync(command.Usage.Length == 0 ? command.Name : $"{command.Name} word");
                for (DateTime until = DateTime.UtcNow.AddSeconds(10); !Answered() && DateTime.UtcNow < until;)
                {
                    await Task.Delay(20, TestContext.Current.CancellationToken);
                }
            }
            finally
            {
                model.Detach();
            }

            bool answered = Answered();
            TestContext.Current.TestOutputHelper?.WriteLine($"{command.Name}: {string.Join(" | ", view.Lines.Skip(before).Select(l => l.Text))}{(view.Quits > 0 ? " (quit)" : string.Empty)}{(view.Clears > 0 ? " (cleared)" : string.Empty)}");
            answered.ShouldBeTrue(command.Name);
        }
    }

    private static CommandModes Mode(string name) => name == "screen" ? CommandModes.Screen : CommandModes.Headless;

    [GeneratedRegex(@"(?<![\w/])/[a-z]+\b")]
    private static partial Regex Command();
}
