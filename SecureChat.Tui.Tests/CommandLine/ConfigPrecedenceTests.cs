using SecureChat.Engine.Transport;
using SecureChat.Tui.App;
using SecureChat.Tui.CommandLine;

namespace SecureChat.Tui.Tests.CommandLine;

/// <summary>The command line over <c>config.toml</c> over the defaults, and which word after --client is a profile.</summary>
public sealed class ConfigPrecedenceTests
{
    private static readonly ConfigFile s_config = ConfigFile.Parse(
        """
        [server]
        host = "0.0.0.0"
        port = 4000
        name = "Hub"
        max-peers = 100
        max-handshakes = 40
        early-drop-start = 20
        handshake-timeout = 20

        [client]
        host = "home.example.org"
        name = "Ann"
        write-timeout = 60

        [profiles.work]
        host = "chat.example.org"
        port = 2222
        name = "Ann-at-work"
        passphrase-file = "/keys/work.pass"

        [profiles.localhost]
        port = 3000
        """,
        "/cfg/config.toml");

    private static AppSettings Parse(params string[] args) => ChatCommandLine.Parse(args, s_config);

    [Fact]
    public void A_server_takes_its_table_s_address_name_and_limits()
    {
        AppSettings settings = Parse("--server");
        (settings.Host, settings.Port, settings.Name).ShouldBe(("0.0.0.0", 4000, "Hub"));
        ChatOptions options = ChatLifetime.Options(settings, []);
        (options.MaxPeers, options.MaxHandshakes, options.HandshakeTimeout, options.WriteTimeout).ShouldBe((100, 40, TimeSpan.FromSeconds(20), new ChatOptions().WriteTimeout));
    }

    [Fact]
    public void The_command_line_overrides_the_file()
    {
        AppSettings settings = Parse("--server", "--port", "5000", "--name", "Other", "--max-peers", "7");
        (settings.Host, settings.Port, settings.Name, settings.Limits.MaxPeers, settings.Limits.MaxHandshakes).ShouldBe(("0.0.0.0", 5000, "Other", 7, 40));
    }

    [Fact]
    public void A_profile_name_after_client_connects_to_the_profile_with_its_name_and_passphrase_file()
    {
        AppSettings settings = Parse("--client", "work");
        (settings.Host, settings.Port, settings.Name).ShouldBe(("chat.example.org", 2222, "Ann-at-work"));
        (settings.PassphraseSource, settings.PassphraseLocation).ShouldBe((PassphraseSource.File, "/keys/work.pass"));
        settings.Limits.WriteTimeout.ShouldBe(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public void A_profile_wins_over_a_host_of_the_same_name_and_takes_the_client_table_for_what_it_does_not_say()
    {
        AppSettings settings = Parse("--client", "localhost");
        (settings.Host, settings.Port, settings.Name).ShouldBe(("home.example.org", 3000, "Ann"));
    }

    [Theory]
    [InlineData("work:2000", "work", 2000)]
    [InlineData("work 2000", "work", 2000)]
    [InlineData("elsewhere", "elsewhere", 12345)]
    [InlineData("", "home.example.org", 12345)]
    public void An_address_is_never_a_profile(string words, string host, int port)
    {
        AppSettings settings = Parse(["--client", .. words.Split(' ', StringSplitOptions.RemoveEmptyEntries)]);
        (settings.Host, settings.Port, settings.Name).ShouldBe((host, port, "Ann"));
        settings.PassphraseSource.ShouldBe(PassphraseSource.None);
    }

    [Fact]
    public void The_client_table_s_port_is_the_port_of_a_host_given_without_one()
    {
        ConfigFile config = ConfigFile.Parse("[client]\nport = 4000\n", "/cfg/config.toml");
        (ChatCommandLine.Parse(["--client", "elsewhere"], config).Port, ChatCommandLine.Parse(["--client", "elsewhere:5"], config).Port).ShouldBe((4000, 5));
        ChatCommandLine.Parse(["--client"], config).Address.ShouldBe("localhost:4000");
    }

    [Fact]
    public void The_command_line_overrides_a_profile()
    {
        AppSettings settings = Parse("--client", "work", "--name", "Zed", "--passphrase-env", "PASS", "--write-timeout", "5");
        (settings.Host, settings.Name, settings.PassphraseSource, settings.Limits.WriteTimeout).ShouldBe(("chat.example.org", "Zed", PassphraseSource.Environment, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void Limits_that_contradict_each_other_name_the_file_for_the_value_it_gave()
    {
        Should.Throw<UsageException>(() => Parse("--server", "--early-drop-start", "50")).Message
            .ShouldBe("--early-drop-start 50 is above --max-handshakes 40: give --early-drop-start 40 or less (40: no early drop)");
        ConfigFile config = ConfigFile.Parse("[server]\nearly-drop-start = 300\n", "/cfg/config.toml");
        Should.Throw<UsageException>(() => ChatCommandLine.Parse(["--server"], config)).Message
            .ShouldBe("--early-drop-start 300 (in /cfg/config.toml) is above --max-handshakes 256: give --early-drop-start 256 or less (256: no early drop)");
    }
}
