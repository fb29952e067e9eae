using System.Globalization;
using SecureChat.Engine.Transport;
using SecureChat.Tui.App;
using SecureChat.Tui.CommandLine;

namespace SecureChat.Tui.Tests.CommandLine;

/// <summary>Server limits on the command line: documented defaults, ranges, and the engine options they reach.</summary>
public sealed class LimitOptionTests
{
    /// <summary>
    /// A whole-number server limit on the command line: its documented default and range, where it lands in the
    /// engine's options, and how a command-line number becomes the engine's value (seconds to a TimeSpan, KiB to
    /// bytes). <see cref="With"/>: other options a value at the top of the range needs.
    /// </summary>
    private sealed record NumericLimit(string Option, int Default, int Min, int Max, Func<ChatOptions, object> Mapped, Func<int, object> Engine)
    {
        public string[] With { get; init; } = [];
    }

    private static readonly Dictionary<string, NumericLimit> s_limits = new NumericLimit[]
    {
        new("--puzzle-bits", 18, 1, 20, o => o.PuzzleBits, n => n),
        new("--handshake-rate", 10, 1, 1_000_000, o => o.HandshakeRate, n => (double)n),
        new("--handshakes-per-source", 16, 1, 1_000_000, o => o.HandshakesPerSource, n => n),
        new("--presence-delay", 250, 0, 5000, o => o.PresenceDelay, n => TimeSpan.FromMilliseconds(n)),
        new("--max-handshakes", 256, 1, 1_000_000, o => o.MaxHandshakes, n => n) { With = ["--early-drop-start", "1"] },
        new("--early-drop-start", 64, 1, 1_000_000, o => o.EarlyDropStart, n => n) { With = ["--max-handshakes", "1000000"] },
        new("--early-drop-percent", 30, 0, 100, o => o.EarlyDropPercent, n => n),
        new("--handshake-timeout", 10, 1, 3600, o => o.HandshakeTimeout, n => TimeSpan.FromSeconds(n)),
        new("--handshake-step-timeout", 5, 1, 3600, o => o.HandshakeStepTimeout, n => TimeSpan.FromSeconds(n)),
        new("--max-derivations", Environment.ProcessorCount, 1, 1024, o => o.MaxDerivations, n => n),
        new("--confirmation-penalty", 300, 0, 86_400, o => o.ConfirmationPenalty, n => TimeSpan.FromSeconds(n)),
        new("--failed-confirmations", 30, 0, 1_000_000, o => o.FailedConfirmations, n => n),
        new("--max-peers", 4096, 1, 1_000_000, o => o.MaxPeers, n => n),
        new("--peers-per-source", 64, 1, 1_000_000, o => o.PeersPerSource, n => n),
        new("--peer-output", 8192, 64, 1_048_576, o => o.PeerOutput, n => n * 1024),
        new("--server-output", 65_536, 1024, 16_777_216, o => o.ServerOutput, n => n * 1024L),
        new("--fair-share", 64, 17, 1_048_576, o => o.FairShare, n => n * 1024),
        new("--write-timeout", 30, 1, 3600, o => o.WriteTimeout, n => TimeSpan.FromSeconds(n)),
        new("--nick-burst", 5, 1, 1000, o => o.NickBurst, n => n),
        new("--nick-interval", 5, 1, 3600, o => o.NickInterval, n => TimeSpan.FromSeconds(n)),
    }.ToDictionary(l => l.Option);

    public static TheoryData<string> Limits => new(s_limits.Keys);

    private static ChatOptions Mapped(params string[] args) => ChatLifetime.Options(ChatCommandLine.Parse(args), []);

    [Theory]
    [MemberData(nameof(Limits))]
    public void Each_server_limit_defaults_to_its_documented_value(string option)
    {
        NumericLimit limit = s_limits[option];
        limit.Mapped(Mapped("--server")).ShouldBe(limit.Engine(limit.Default));
    }

    [Theory]
    [MemberData(nameof(Limits))]
    public void Each_server_limit_at_either_end_of_its_range_reaches_the_engine_s_options_which_accept_it(string option)
    {
        NumericLimit limit = s_limits[option];
        foreach (int value in new[] { limit.Min, limit.Max })
        {
            ChatOptions options = Mapped(["--server", option, value.ToString(CultureInfo.InvariantCulture), .. limit.With]);
            limit.Mapped(options).ShouldBe(limit.Engine(value), $"{option} {value}");
            options.Validate();
        }
    }

    [Theory]
    [MemberData(nameof(Limits))]
    public void A_server_limit_outside_its_range_is_a_one_line_usage_error(string option)
    {
        NumericLimit limit = s_limits[option];
        string[] bad = limit.Min > 0
            ? [(limit.Min - 1).ToString(CultureInfo.InvariantCulture), (limit.Max + 1L).ToString(CultureInfo.InvariantCulture), "many", "2.5"]
            : [(limit.Max + 1L).ToString(CultureInfo.InvariantCulture), "many", "2.5"];
        foreach (string value in bad)
        {
            var error = new StringWriter();
            ChatCommandLine.Invoke(["--server", option, value], _ => throw new InvalidOperationException("must not run"), error).ShouldBe(ChatCommandLine.UsageExitCode);
            error.ToString().ShouldBe(
                string.Create(CultureInfo.InvariantCulture, $"securechat: {option} must be a number from {limit.Min} to {limit.Max} (see --help){Environment.NewLine}"),
                $"{option} {value}");
        }
    }

    [Fact]
    public void The_documented_defaults_are_the_engine_s_own()
    {
        ChatOptions engine = new ChatOptions();
        ChatOptions mapped = Mapped("--server");
        foreach (NumericLimit limit in s_limits.Values)
        {
            limit.Mapped(mapped).ShouldBe(limit.Mapped(engine), limit.Option);
        }
    }

    [Fact]
    public void The_handshake_and_write_timeouts_reach_a_client_s_options_too()
    {
        ChatOptions options = Mapped("--client", "--handshake-timeout", "20", "--write-timeout", "90");
        (options.HandshakeTimeout, options.WriteTimeout).ShouldBe((TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(90)));
    }

    [Theory]
    [InlineData("--early-drop-start 64 (the default) is above --max-handshakes 32: give --early-drop-start 32 or less (32: no early drop)", "--max-handshakes", "32")]
    [InlineData("--early-drop-start 300 is above --max-handshakes 256: give --early-drop-start 256 or less (256: no early drop)", "--early-drop-start", "300")]
    [InlineData("--early-drop-start 11 is above --max-handshakes 10: give --early-drop-start 10 or less (10: no early drop)", "--early-drop-start", "11", "--max-handshakes", "10")]
    public void An_early_drop_that_could_never_start_is_a_usage_error_not_silently_off(string message, params string[] args)
    {
        var error = new StringWriter();
        ChatCommandLine.Invoke(["--server", .. args], _ => throw new InvalidOperationException("must not run"), error).ShouldBe(ChatCommandLine.UsageExitCode);
        error.ToString().ShouldBe($"securechat: {message} (see --help){Environment.NewLine}");
    }

    [Fact]
    public void An_early_drop_starting_at_the_handshake_bound_is_accepted()
    {
        ChatOptions options = Mapped("--server", "--max-handshakes", "32", "--early-drop-start", "32", "--early-drop-percent", "50");
        (options.MaxHandshakes, options.EarlyDropStart, options.EarlyDropPercent).ShouldBe((32, 32, 50));
    }
}
