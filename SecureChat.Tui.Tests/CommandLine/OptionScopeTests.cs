using SecureChat.Tui.App;
using SecureChat.Tui.CommandLine;
using static SecureChat.Tui.Tests.CommandLine.UsageErrors;

namespace SecureChat.Tui.Tests.CommandLine;

/// <summary>Options that act in one role or mode only: refused in the other, in plain words, and accepted in their own.</summary>
public sealed class OptionScopeTests
{
    public static TheoryData<string, string> ServerOnlyOptions => new()
    {
        { "--puzzle", "always" }, { "--puzzle-bits", "20" }, { "--handshake-rate", "5" }, { "--handshakes-per-source", "4" }, { "--presence-delay", "0" },
        { "--max-handshakes", "300" }, { "--early-drop-start", "10" }, { "--early-drop-percent", "50" }, { "--handshake-step-timeout", "9" },
        { "--max-derivations", "4" }, { "--confirmation-penalty", "60" }, { "--max-peers", "10" }, { "--peer-output", "128" },
        { "--server-output", "2048" }, { "--fair-share", "32" }, { "--nick-burst", "3" }, { "--nick-interval", "9" },
    };


    [Theory]
    [MemberData(nameof(ServerOnlyOptions))]
    public void A_server_only_option_given_to_a_client_is_a_usage_error_not_ignored(string option, string value)
    {
        var error = new StringWriter();
        ChatCommandLine.Invoke(["--client", "localhost", "12345", option, value], NeverRun, error).ShouldBe(2);
        error.ToString().Trim().ShouldBe($"securechat: {option} is a server option: it does nothing with --client (see --help)");
        ChatCommandLine.Parse(["--server", option, value]).Role.ShouldBe(ChatRole.Server);
    }

    [Fact]
    public void A_client_only_option_given_to_a_server_is_a_usage_error_not_ignored()
    {
        var error = new StringWriter();
        ChatCommandLine.Invoke(["--server", "--accept-identity", "AAAA"], NeverRun, error).ShouldBe(2);
        error.ToString().Trim().ShouldBe("securechat: --accept-identity is a client option: it does nothing with --server (see --help)");
    }

    [Theory]
    [InlineData("--handshake-timeout", "20")]
    [InlineData("--write-timeout", "90")]
    public void Options_that_serve_both_sides_are_accepted_by_a_client(string option, string value) =>
        ChatCommandLine.Parse(["--client", option, value]).Role.ShouldBe(ChatRole.Client);

    [Theory]
    [InlineData("--host is a server option: it does nothing with --client; a client gives the address after --client (--client HOST PORT)", "--client", "localhost", "--host", "0.0.0.0")]
    [InlineData("--port is a server option: it does nothing with --client; a client gives the address after --client (--client HOST PORT)", "--client", "localhost", "23998", "--port", "23999")]
    [InlineData("--port is a server option: it does nothing with --client; a client gives the address after --client (--client HOST PORT)", "--client", "--port", "23999")]
    [InlineData("--timestamps is a headless option: it does nothing without --headless", "--server", "--timestamps")]
    [InlineData("--timestamps is a headless option: it does nothing without --headless", "--client", "--timestamps")]
    [InlineData("--bell is a full-screen option: it does nothing with --headless", "--client", "--headless", "--bell")]
    [InlineData("--no-mouse is a full-screen option: it does nothing with --headless", "--server", "--no-mouse", "--headless")]
    [InlineData("--scrollback is a full-screen option: it does nothing with --headless", "--client", "--headless", "--scrollback", "500")]
    [InlineData("--no-reconnect is a client option: it does nothing with --server", "--server", "--no-reconnect")]
    [InlineData("--reconnect is a client option: it does nothing with --server", "--server", "--headless", "--reconnect")]
    [InlineData("--no-reconnect is a full-screen option: it does nothing with --headless", "--client", "--headless", "--no-reconnect")]
    [InlineData("--reconnect is a headless option: it does nothing without --headless", "--client", "--reconnect")]
    public void An_option_of_the_other_role_or_mode_is_a_usage_error_not_ignored(string message, params string[] args)
    {
        var error = new StringWriter();
        ChatCommandLine.Invoke(args, NeverRun, error).ShouldBe(ChatCommandLine.UsageExitCode);
        error.ToString().ShouldBe($"securechat: {message} (see --help){Environment.NewLine}");
    }

    [Fact]
    public void Every_option_that_acts_in_one_role_or_mode_is_refused_in_the_other_and_accepted_in_its_own()
    {
        var table = new ChatRootCommand().Entries;
        table.Count(e => e.Scope != OptionScope.Any).ShouldBeGreaterThan(20);
        foreach (OptionEntry entry in table.Where(e => e.Scope != OptionScope.Any))
        {
            string name = entry.Option.Name;
            string[] given = entry.Option is System.CommandLine.Option<bool> ? [name] : [name, entry.Default ?? "ABCD"];
            (string[] wrong, string[] right) = entry.Scope switch
            {
                OptionScope.Server => ((string[])["--client", .. given], (string[])["--server", .. given]),
                OptionScope.Client => (["--server", .. given], ["--client", .. given]),
                OptionScope.FullScreen or OptionScope.ClientFullScreen => (["--client", "--headless", .. given], ["--client", .. given]),
                OptionScope.ClientHeadless => (["--client", .. given], ["--client", "--headless", .. given]),
                _ => (["--client", .. given], ["--client", "--headless", .. given]),
            };
            Should.Throw<UsageException>(() => ChatCommandLine.Parse(wrong), string.Join(' ', wrong)).Message.ShouldStartWith($"{name} is a ");
            Should.NotThrow(() => ChatCommandLine.Parse(right), string.Join(' ', right));
        }
    }

    [Theory]
    [InlineData("--client", "--bell", "--no-mouse", "--scrollback", "500")]
    [InlineData("--server", "--headless", "--timestamps")]
    [InlineData("--server", "--host", "127.0.0.1", "--port", "4000")]
    public void Options_in_their_own_role_and_mode_are_accepted(params string[] args) =>
        Should.NotThrow(() => ChatCommandLine.Parse(args));

    [Theory]
    [InlineData(true, "--client")]
    [InlineData(false, "--client", "--no-reconnect")]
    [InlineData(false, "--client", "--headless")]
    [InlineData(false, "--client", "--json")]
    [InlineData(true, "--client", "--headless", "--reconnect")]
    [InlineData(true, "--client", "--json", "--reconnect")]
    [InlineData(false, "--server")]
    [InlineData(false, "--server", "--headless")]
    public void A_full_screen_client_reconnects_unless_told_not_to_and_a_headless_one_only_when_told_to(bool reconnects, params string[] args) =>
        ChatCommandLine.Parse(args).Reconnect.ShouldBe(reconnects);
}
