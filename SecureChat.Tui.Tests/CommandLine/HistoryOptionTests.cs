using SecureChat.Tui.CommandLine;

namespace SecureChat.Tui.Tests.CommandLine;

/// <summary>The history's options and config key: their values, their bounds, and the combinations that make no sense.</summary>
public sealed class HistoryOptionTests
{
    private const string ConfigPath = "/home/ann/.config/securechat/config.toml";

    [Fact]
    public void By_default_the_history_is_kept_in_the_default_data_directory_without_a_passphrase_and_forever()
    {
        AppSettings settings = ChatCommandLine.Parse(["--client"]);
        settings.NoHistory.ShouldBeFalse();
        settings.DataDir.ShouldBeNull();
        settings.HistoryDays.ShouldBe(0);
        settings.HistoryPassphraseSource.ShouldBe(PassphraseSource.None);
    }

    [Fact]
    public void The_data_directory_the_retention_and_the_history_passphrase_file_are_taken_as_given()
    {
        AppSettings settings = ChatCommandLine.Parse(["--client", "--data-dir", "/tmp/data", "--history-days", "30", "--history-passphrase-file", "/tmp/pass"]);
        settings.DataDir.ShouldBe("/tmp/data");
        settings.HistoryDays.ShouldBe(30);
        settings.HistoryPassphraseSource.ShouldBe(PassphraseSource.File);
        settings.HistoryPassphraseLocation.ShouldBe("/tmp/pass");
        ChatCommandLine.Parse(["--server", "--history-passphrase-env", "HISTORY_PASS"]).HistoryPassphraseSource.ShouldBe(PassphraseSource.Environment);
    }

    [Fact]
    public void The_retention_comes_from_config_toml_unless_the_command_line_gives_one()
    {
        ConfigFile config = ConfigFile.Parse("[client]\nhistory-days = 90\n[server]\nhistory-days = 7\n", ConfigPath);
        ChatCommandLine.Parse(["--client"], config).HistoryDays.ShouldBe(90);
        ChatCommandLine.Parse(["--server"], config).HistoryDays.ShouldBe(7);
        ChatCommandLine.Parse(["--client", "--history-days", "3"], config).HistoryDays.ShouldBe(3);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("36501")]
    [InlineData("a week")]
    public void A_retention_out_of_range_is_a_usage_error_naming_the_range(string days) =>
        Should.Throw<UsageException>(() => ChatCommandLine.Parse(["--client", "--history-days", days])).Message
            .ShouldBe("--history-days must be a number from 0 to 36500");

    [Fact]
    public void A_retention_out_of_range_in_config_toml_names_the_file_line_and_key() =>
        Should.Throw<ConfigFileInvalidException>(() => ConfigFile.Parse("[client]\nhistory-days = 40000\n", ConfigPath)).Message
            .ShouldBe($"{ConfigPath}:2: history-days: 40000 is not a number of days (0 to 36500; 0 keeps every line)");

    [Fact]
    public void Two_history_passphrase_sources_are_refused()
    {
        Should.Throw<UsageException>(() => ChatCommandLine.Parse(["--client", "--history-passphrase-file", "/tmp/p", "--history-passphrase-env", "P"])).Message
            .ShouldBe("use only one of --history-passphrase-prompt, --history-passphrase-file and --history-passphrase-env");
    }

    [Theory]
    [InlineData("--data-dir", "/tmp/data")]
    [InlineData("--history-days", "30")]
    [InlineData("--history-passphrase-env", "P")]
    public void No_history_with_a_history_option_is_refused_since_that_option_would_do_nothing(string option, string value) =>
        Should.Throw<UsageException>(() => ChatCommandLine.Parse(["--client", "--no-history", option, value])).Message
            .ShouldBe("--no-history keeps no history: it does nothing with --data-dir, --history-days or a history passphrase");

    [Fact]
    public void The_history_passphrase_is_independent_of_the_shared_one()
    {
        AppSettings settings = ChatCommandLine.Parse(["--client", "--passphrase-file", "/tmp/shared", "--history-passphrase-file", "/tmp/history"]);
        settings.PassphraseLocation.ShouldBe("/tmp/shared");
        settings.HistoryPassphraseLocation.ShouldBe("/tmp/history");
    }
}
