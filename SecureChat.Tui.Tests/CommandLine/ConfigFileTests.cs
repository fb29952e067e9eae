using SecureChat.Engine.Transport;
using SecureChat.Tui.CommandLine;

namespace SecureChat.Tui.Tests.CommandLine;

public sealed class ConfigFileTests
{
    private const string Path = "/home/ann/.config/securechat/config.toml";

    private static ConfigFile Parse(string text) => ConfigFile.Parse(text, Path, p => "/resolved/" + p);

    private static string Refusal(string text)
    {
        string message = Should.Throw<ConfigFileInvalidException>(() => Parse(text)).Message;
        TestContext.Current.TestOutputHelper?.WriteLine(message);
        message.ShouldNotContain("\n");
        return message;
    }

    [Fact]
    public void Server_client_and_profile_tables_are_read_with_every_value()
    {
        ConfigFile config = Parse("""
            # a comment
            [server]
            host = "0.0.0.0"
            port = 4000
            name = "Hub"
            max-peers = 100
            puzzle = "always"
            peer-output = 128

            [client]
            name = "Ann"
            write-timeout = 60

            [profiles.work]
            host = "chat.example.org"
            port = 2222
            passphrase-file = "work.pass"
            """);
        config.Server.ShouldBe(config.Server with { Host = "0.0.0.0", Port = 4000, Name = "Hub" });
        ChatOptions server = config.Server.Apply(new ChatOptions());
        (server.MaxPeers, server.Puzzle, server.PeerOutput).ShouldBe((100, PuzzleMode.Always, 128 * 1024));
        config.Client.Name.ShouldBe("Ann");
        config.Client.Apply(new ChatOptions()).WriteTimeout.ShouldBe(TimeSpan.FromSeconds(60));
        ConfigSection work = config.Profile("work")!;
        (work.Host, work.Port, work.Name, work.PassphraseFile).ShouldBe(("chat.example.org", 2222, "Ann", "/resolved/work.pass"));
        work.Limits["write-timeout"].ShouldBe(60);
        config.Profile("home").ShouldBeNull();
    }

    [Fact]
    public void An_unknown_key_is_one_line_naming_the_file_line_and_key_with_the_key_meant()
    {
        Refusal("[server]\nport = 1\nmax-peer = 5\n").ShouldBe($"{Path}:3: max-peer: unknown key in [server] (did you mean max-peers?)");
        Refusal("[server]\ncolour = \"red\"\n").ShouldBe($"{Path}:2: colour: unknown key in [server]");
        Refusal("\n[profiles.work]\nhost = \"a\"\npassphrase = \"secret\"\n").ShouldStartWith($"{Path}:4: passphrase: unknown key in [profiles.work]");
    }

    [Fact]
    public void A_key_outside_the_known_tables_is_refused()
    {
        Refusal("max-peers = 5\n").ShouldBe($"{Path}:1: max-peers: unknown key (the file has [server], [client] and [profiles.NAME] tables)");
        Refusal("\n[[profiles]]\nhost = \"a\"\n").ShouldBe($"{Path}:2: profiles: arrays of tables are not used (write [server], [client] or [profiles.NAME])");
        Refusal("[servers]\nport = 5\n").ShouldBe($"{Path}:2: servers.port: unknown key (the file has [server], [client] and [profiles.NAME] tables)");
    }

    [Fact]
    public void A_server_limit_under_client_says_where_it_belongs()
    {
        Refusal("[client]\nmax-peers = 5\n").ShouldBe($"{Path}:2: max-peers: a server limit, not a key of [client] (put it under [server])");
    }

    [Theory]
    [InlineData("max-peers = \"5\"", "max-peers: expected a whole number, not a string")]
    [InlineData("max-peers = 5.5", "max-peers: expected a whole number, not a number with a fraction")]
    [InlineData("max-peers = true", "max-peers: expected a whole number, not true or false")]
    [InlineData("port = [1, 2]", "port: expected a whole number, not an array")]
    [InlineData("host = 7", "host: expected a string, not a whole number")]
    [InlineData("puzzle = 1", "puzzle: expected a string (\"auto\", \"always\" or \"never\"), not a whole number")]
    public void A_value_of_the_wrong_type_is_one_line(string line, string message) =>
        Refusal($"[server]\n{line}\n").ShouldBe($"{Path}:2: {message}");

    [Theory]
    [InlineData("max-peers = 0", "max-peers: 0 is below the minimum 1")]
    [InlineData("max-peers = 1000001", "max-peers: 1000001 is above the maximum 1000000")]
    [InlineData("max-peers = 99999999999", "max-peers: 99999999999 is above the maximum 1000000")]
    [InlineData("early-drop-percent = -1", "early-drop-percent: -1 is below the minimum 0")]
    [InlineData("puzzle = \"sometimes\"", "puzzle: \"sometimes\" is not auto, always or never")]
    [InlineData("port = 65536", "port: 65536 is not a port (0 to 65535)")]
    [InlineData("name = \"*bad\"", "name: ")]
    [InlineData("host = \"\"", "host: is empty")]
    [InlineData("host = \"chat.example.org:2222\"", "host: \"chat.example.org:2222\" is not a host name or address (give the port as port = N)")]
    public void A_value_out_of_range_is_one_line(string line, string message) =>
        Refusal($"[server]\n\n{line}\n").ShouldStartWith($"{Path}:3: {message}");

    [Fact]
    public void A_client_port_of_0_is_refused_where_a_server_s_is_not()
    {
        Parse("[server]\nport = 0\n").Server.Port.ShouldBe(0);
        Parse("[server]\nhost = \"::1\"\n").Server.Host.ShouldBe("::1");
        Refusal("[profiles.a]\nport = 0\n").ShouldBe($"{Path}:2: port: 0 is not a port (1 to 65535)");
    }

    [Theory]
    [InlineData("[server\nport = 1\n", 1)]
    [InlineData("[server]\nport = = 1\n", 2)]
    [InlineData("[server]\nport = 1\nport = 2\n", 3)]
    [InlineData("[server]\nhost = \"unterminated\n", 2)]
    public void A_toml_syntax_error_is_one_line_naming_the_file_and_line(string text, int line)
    {
        string message = Refusal(text);
        message.ShouldStartWith($"{Path}:{line}: ");
        message.Length.ShouldBeGreaterThan($"{Path}:{line}: ".Length + 5);
    }

    [Fact]
    public void The_README_example_is_a_valid_file_with_what_it_says()
    {
        string readme = File.ReadAllText(System.IO.Path.Combine(HelpTextTests.RepositoryRoot(), "README.md")).ReplaceLineEndings("\n");
        int section = readme.IndexOf("## Config file", StringComparison.Ordinal);
        int start = readme.IndexOf("```toml\n", section, StringComparison.Ordinal) + "```toml\n".Length;
        string example = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];
        ConfigFile config = Parse(example);
        (config.Server.Port, config.Server.Apply(new ChatOptions()).MaxPeers, config.Server.Apply(new ChatOptions()).Puzzle).ShouldBe((4000, 500, PuzzleMode.Always));
        ConfigSection work = config.Profile("work")!;
        (work.Host, work.Port, work.Name).ShouldBe(("chat.example.org", 2222, "Ann-at-work"));
        config.Profile("home").ShouldBeNull();
        ChatCommandLine.Parse(["--client"], config).Host.ShouldBe("home.example.org");
    }

    [Fact]
    public void A_missing_file_is_no_config_and_creates_nothing()
    {
        string dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "securechat-none-" + Guid.NewGuid().ToString("N"));
        ConfigFile.Load(dir).ShouldBeSameAs(ConfigFile.Empty);
        Directory.Exists(dir).ShouldBeFalse();
    }

    [Theory]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    [InlineData(UnixFileMode.GroupWrite, "0620")]
    [InlineData(UnixFileMode.OtherWrite, "0602")]
    public void A_file_other_users_can_change_is_refused_as_ssh_refuses_its_config(UnixFileMode extra, string octal)
    {
        string dir = Directory.CreateTempSubdirectory("securechat-config-").FullName;
        try
        {
            string path = System.IO.Path.Combine(dir, ConfigFile.FileName);
            File.WriteAllText(path, "[profiles.work]\nhost = \"chat.example.org\"\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | extra);
            string message = Should.Throw<ConfigFileInvalidException>(() => ConfigFile.Load(dir)).Message;
            TestContext.Current.TestOutputHelper?.WriteLine(message);
            message.ShouldBe($"{path} can be changed by other users (mode {octal}): refusing to use it; chmod go-w {path}");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            ConfigFile.Load(dir).Profile("work")!.Host.ShouldBe("chat.example.org");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_relative_passphrase_file_is_found_in_the_config_dir_and_a_tilde_in_home()
    {
        string dir = Directory.CreateTempSubdirectory("securechat-config-").FullName;
        try
        {
            File.WriteAllText(System.IO.Path.Combine(dir, ConfigFile.FileName), "[profiles.a]\npassphrase-file = \"a.pass\"\n[profiles.b]\npassphrase-file = \"~/b.pass\"\n");
            ConfigFile config = ConfigFile.Load(dir, v => v == "HOME" ? "/home/ann" : null);
            config.Path.ShouldBe(System.IO.Path.Combine(dir, ConfigFile.FileName));
            config.Profile("a")!.PassphraseFile.ShouldBe(System.IO.Path.Combine(dir, "a.pass"));
            config.Profile("b")!.PassphraseFile.ShouldBe("/home/ann/b.pass");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
