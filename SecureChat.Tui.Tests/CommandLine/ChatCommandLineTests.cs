using SecureChat.Engine.Chat;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Transport;
using SecureChat.Tui.App;
using SecureChat.Tui.CommandLine;
using static SecureChat.Tui.Tests.CommandLine.UsageErrors;

namespace SecureChat.Tui.Tests.CommandLine;

public sealed class ChatCommandLineTests
{
    [Fact]
    public void Server_listens_on_localhost_12345_by_default()
    {
        AppSettings settings = ChatCommandLine.Parse(["--server"]);
        settings.Role.ShouldBe(ChatRole.Server);
        settings.Address.ShouldBe("localhost:12345");
        settings.Headless.ShouldBeFalse();
    }

    [Fact]
    public void Host_and_port_change_where_the_server_listens()
    {
        ChatCommandLine.Parse(["--server", "--host", "0.0.0.0", "--port", "4000"]).Address.ShouldBe("0.0.0.0:4000");
    }

    [Fact]
    public void Client_takes_host_and_port_positionally_after_the_flag()
    {
        AppSettings settings = ChatCommandLine.Parse(["--client", "example.org", "4000", "--name", "bob"]);
        settings.Role.ShouldBe(ChatRole.Client);
        settings.Address.ShouldBe("example.org:4000");
        settings.Name.ShouldBe("bob");
    }

    [Fact]
    public void Client_defaults_to_localhost_12345()
    {
        ChatCommandLine.Parse(["--client"]).Address.ShouldBe("localhost:12345");
        ChatCommandLine.Parse(["--client", "--headless"]).Address.ShouldBe("localhost:12345");
        ChatCommandLine.Parse(["--client", "otherhost"]).Address.ShouldBe("otherhost:12345");
    }

    [Fact]
    public void Group_iterations_and_passphrase_source_are_bound()
    {
        AppSettings settings = ChatCommandLine.Parse(["--server", "--group", "ffdhe4096", "--iterations", "200000", "--passphrase-env", "SECRET"]);
        settings.Group.ShouldBe(DhGroupId.Ffdhe4096);
        settings.Iterations.ShouldBe(200000);
        settings.PassphraseSource.ShouldBe(PassphraseSource.Environment);
        settings.PassphraseLocation.ShouldBe("SECRET");
    }

    [Fact]
    public void Presence_delay_defaults_to_the_engine_s_and_reaches_the_server_s_options()
    {
        AppSettings defaults = ChatCommandLine.Parse(["--server"]);
        ChatLifetime.Options(defaults, []).PresenceDelay.ShouldBe(new ChatOptions().PresenceDelay);

        AppSettings none = ChatCommandLine.Parse(["--server", "--presence-delay", "0"]);
        ChatLifetime.Options(none, []).PresenceDelay.ShouldBe(TimeSpan.Zero);
        ChatLifetime.Options(ChatCommandLine.Parse(["--server", "--presence-delay", "1500"]), []).PresenceDelay.ShouldBe(TimeSpan.FromMilliseconds(1500));
    }

    [Theory]
    [InlineData("--server")]
    [InlineData("--client")]
    public void Iterations_and_their_maximum_default_to_the_documented_counts(string role)
    {
        ChatOptions options = ChatLifetime.Options(ChatCommandLine.Parse([role]), []);
        (options.Iterations, options.MaxIterations).ShouldBe((100_000, 1_000_000));
    }

    [Theory]
    [InlineData("--server")]
    [InlineData("--client")]
    public void Iterations_and_their_maximum_reach_the_engine_s_options_as_given(string role)
    {
        ChatOptions options = ChatLifetime.Options(ChatCommandLine.Parse([role, "--iterations", "2000000", "--max-iterations", "3000000"]), []);
        (options.Iterations, options.MaxIterations).ShouldBe((2_000_000, 3_000_000));
        options.Validate();

        ChatOptions atTheBounds = ChatLifetime.Options(ChatCommandLine.Parse([role, "--iterations", "10000000", "--max-iterations", "10000000"]), []);
        (atTheBounds.Iterations, atTheBounds.MaxIterations).ShouldBe((10_000_000, 10_000_000));
        atTheBounds.Validate();

        ChatOptions lowest = ChatLifetime.Options(ChatCommandLine.Parse([role, "--iterations", "100000", "--max-iterations", "100000"]), []);
        (lowest.Iterations, lowest.MaxIterations).ShouldBe((100_000, 100_000));
        lowest.Validate();
    }

    [Fact]
    public void The_mapping_never_widens_the_maximum_to_the_count()
    {
        ChatOptions options = ChatLifetime.Options(new AppSettings { Role = ChatRole.Server, Iterations = 2_000_000, MaxIterations = 1_000_000 }, []);
        (options.Iterations, options.MaxIterations).ShouldBe((2_000_000, 1_000_000));
        Should.Throw<ArgumentException>(options.Validate);
    }

    [Theory]
    [InlineData("--iterations 1000001 is above the maximum, --max-iterations 1000000: lower it, or raise --max-iterations", "--server", "--iterations", "1000001")]
    [InlineData("--iterations 1000001 is above the maximum, --max-iterations 1000000: lower it, or raise --max-iterations", "--client", "--iterations", "1000001")]
    [InlineData("--iterations 300000 is above the maximum, --max-iterations 200000: lower it, or raise --max-iterations", "--server", "--iterations", "300000", "--max-iterations", "200000")]
    [InlineData("--iterations 300000 is above the maximum, --max-iterations 200000: lower it, or raise --max-iterations", "--client", "--max-iterations", "200000", "--iterations", "300000")]
    [InlineData("--iterations must be a number from 100000 to 10000000", "--server", "--iterations", "99999")]
    [InlineData("--iterations must be a number from 100000 to 10000000", "--client", "--iterations", "10000001")]
    [InlineData("--max-iterations must be a number from 100000 to 10000000", "--server", "--max-iterations", "99999")]
    [InlineData("--max-iterations must be a number from 100000 to 10000000", "--client", "--max-iterations", "10000001")]
    public void A_count_above_this_side_s_own_maximum_is_a_usage_error_not_a_wider_maximum(string message, params string[] args)
    {
        var error = new StringWriter();
        ChatCommandLine.Invoke(args, _ => throw new InvalidOperationException("must not run"), error).ShouldBe(ChatCommandLine.UsageExitCode);
        error.ToString().ShouldBe($"securechat: {message} (see --help){Environment.NewLine}");
    }

    [Theory]
    [InlineData("--server", "--iterations", "99999")]
    [InlineData("--client", "host", "0")]
    [InlineData("--client", "host", "65536")]
    [InlineData("--server", "--client")]
    [InlineData("--server", "--passphrase-prompt", "--passphrase-env", "X")]
    [InlineData("--server", "--passphrase", "secret")]
    [InlineData("--server", "--name", "")]
    public void Impossible_requests_are_usage_errors(params string[] args)
    {
        Should.Throw<UsageException>(() => ChatCommandLine.Parse(args));
    }

    [Fact]
    public void The_mouse_is_captured_and_the_bell_off_unless_asked()
    {
        AppSettings plain = ChatCommandLine.Parse(["--client"]);
        (plain.NoMouse, plain.Bell).ShouldBe((false, false));
        AppSettings asked = ChatCommandLine.Parse(["--client", "--no-mouse", "--bell"]);
        (asked.NoMouse, asked.Bell).ShouldBe((true, true));
    }

    [Fact]
    public void A_name_the_engine_would_refuse_is_a_usage_error()
    {
        string loneSurrogate = "half a surrogate pair " + '\uD83D';
        Should.Throw<UsageException>(() => ChatCommandLine.Parse(["--server", "--name", loneSurrogate]));
        Should.Throw<UsageException>(() => ChatCommandLine.Parse(["--server", "--name", new string('x', NameRules.NameTextElementsMax + 1)]));
        ChatCommandLine.Parse(["--server", "--name", new string('x', NameRules.NameTextElementsMax)]).Name.Length.ShouldBe(NameRules.NameTextElementsMax);
        Should.Throw<UsageException>(() => ChatCommandLine.Parse(["--server", "--name", "\u2060"])).Message.ShouldContain("U+2060");
        Should.Throw<UsageException>(() => ChatCommandLine.Parse(["--server", "--name", "*"]));
    }

    [Fact]
    public void A_usage_error_is_one_line_and_exit_code_2()
    {
        var error = new StringWriter();
        int code = ChatCommandLine.Invoke(["--client", "host", "port"], _ => 0, error);
        code.ShouldBe(2);
        error.ToString().TrimEnd().Split('\n').Length.ShouldBe(1);
        error.ToString().ShouldContain("the port must be a number from 1 to 65535 (not 'port')");
    }

    [Fact]
    public void A_passphrase_file_gives_its_first_line()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "correct horse\n");
            AppSettings settings = ChatCommandLine.Parse(["--server", "--passphrase-file", path]);
            System.Text.Encoding.UTF8.GetString(PassphraseReader.Read(settings)).ShouldBe("correct horse");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("localhost:12701", "localhost", 12701, "localhost:12701")]
    [InlineData("[::1]:12701", "::1", 12701, "[::1]:12701")]
    [InlineData("::1", "::1", 12345, "[::1]:12345")]
    [InlineData("[::1]", "::1", 12345, "[::1]:12345")]
    [InlineData("192.0.2.7:80", "192.0.2.7", 80, "192.0.2.7:80")]
    public void Client_accepts_host_colon_port_and_bracketed_IPv6(string argument, string host, int port, string address)
    {
        AppSettings settings = ChatCommandLine.Parse(["--client", argument]);
        (settings.Host, settings.Port, settings.Address).ShouldBe((host, port, address));
    }

    [Theory]
    [InlineData("--port must be a number from 0 to 65535 (not 'abc')", "--server", "--port", "abc")]
    [InlineData("--port must be a number from 0 to 65535 (not '70000')", "--server", "--port", "70000")]
    [InlineData("the port must be a number from 1 to 65535 (not 'x')", "--client", "localhost", "x")]
    [InlineData("the port must be a number from 1 to 65535 (not 'x')", "--client", "localhost:x")]
    [InlineData("the port is given twice: 'localhost:1' and '2'", "--client", "localhost:1", "2")]
    [InlineData("'a:b:c' is not an address: write host:port, or an IPv6 address with a port as [::1]:12345", "--client", "a:b:c")]
    [InlineData("--iterations must be a number from 100000 to 10000000", "--server", "--iterations", "lots")]
    [InlineData("--presence-delay must be a number from 0 to 5000", "--server", "--presence-delay", "9000")]
    public void Bad_numbers_and_addresses_are_refused_in_plain_words(string message, params string[] args)
    {
        var error = new StringWriter();
        ChatCommandLine.Invoke(args, _ => 0, error).ShouldBe(2);
        error.ToString().Trim().ShouldBe($"securechat: {message} (see --help)");
    }

    [Theory]
    [InlineData("unknown option --foo", "--client", "localhost", "--foo")]
    [InlineData("unknown option --foo", "--client", "--foo")]
    [InlineData("unknown option --foo", "--client", "localhost", "4000", "--foo")]
    [InlineData("unknown option --nmae (did you mean --name?)", "--client", "localhost", "--nmae", "Bob")]
    [InlineData("unknown option --nmae (did you mean --name?)", "--server", "--nmae", "Bob")]
    [InlineData("unknown option --nmae (did you mean --name?)", "--server", "--nmae=Bob")]
    [InlineData("unknown option -name (did you mean --name?)", "--client", "-name", "Bob")]
    [InlineData("unknown option --iteration (did you mean --iterations?)", "--server", "--iteration", "200000")]
    [InlineData("unknown option --handshake-time (did you mean --handshake-timeout?)", "--client", "--handshake-time", "20")]
    [InlineData("unknown option --passphrase (did you mean --passphrase-prompt, --passphrase-file or --passphrase-env?)", "--server", "--passphrase", "secret")]
    [InlineData("unknown option --nmae (did you mean --name?)", "--client", "localhost", "--nmae", "Bob", "--foo")]
    public void An_unknown_option_is_named_with_the_nearest_known_one(string message, params string[] args)
    {
        var error = new StringWriter();
        ChatCommandLine.Invoke(args, NeverRun, error).ShouldBe(ChatCommandLine.UsageExitCode);
        error.ToString().ShouldBe($"securechat: {message} (see --help){Environment.NewLine}");
    }

    [Theory]
    [InlineData("unexpected argument 'extra': only --client takes a host and port", "--server", "extra")]
    [InlineData("unexpected argument 'c': --client takes a host and a port, no more", "--client", "a", "1", "c")]
    [InlineData("unexpected argument '--name': only --client takes a host and port", "--server", "--", "--name")]
    [InlineData("--bell takes no value (not 'maybe')", "--server", "--bell=maybe")]
    [InlineData("--name needs a value (--name NICK)", "--server", "--name")]
    [InlineData("--port needs a value (--port PORT)", "--server", "--port")]
    [InlineData("--port is given more than once", "--server", "--port", "1", "--port", "2")]
    public void A_stray_argument_is_named_as_such(string message, params string[] args)
    {
        var error = new StringWriter();
        ChatCommandLine.Invoke(args, NeverRun, error).ShouldBe(ChatCommandLine.UsageExitCode);
        error.ToString().ShouldBe($"securechat: {message} (see --help){Environment.NewLine}");
    }

    [Theory]
    [InlineData(null, PuzzleMode.Auto)]
    [InlineData("auto", PuzzleMode.Auto)]
    [InlineData("always", PuzzleMode.Always)]
    [InlineData("never", PuzzleMode.Never)]
    [InlineData("Never", PuzzleMode.Never)]
    public void Puzzle_reaches_the_engine_s_options_and_defaults_to_auto(string? value, PuzzleMode mode)
    {
        string[] args = value is null ? ["--server"] : ["--server", "--puzzle", value];
        AppSettings settings = ChatCommandLine.Parse(args);
        settings.Limits.Puzzle.ShouldBe(mode);
        ChatLifetime.Options(settings, []).Puzzle.ShouldBe(mode);
    }

    [Fact]
    public void An_unknown_puzzle_mode_is_a_one_line_usage_error()
    {
        var error = new StringWriter();
        ChatCommandLine.Invoke(["--server", "--puzzle", "sometimes"], _ => throw new InvalidOperationException("must not run"), error).ShouldBe(ChatCommandLine.UsageExitCode);
        error.ToString().ShouldBe($"securechat: --puzzle must be auto, always or never (see --help){Environment.NewLine}");
    }

    [Fact]
    public void Version_prints_the_version_and_exits_0()
    {
        ChatCommandLine.Invoke(["--version"], _ => throw new InvalidOperationException("must not run")).ShouldBe(0);
    }
}
