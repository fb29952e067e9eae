using System.Globalization;
using System.Reflection;
using SecureChat.Engine.Transport;
using SecureChat.Tui.CommandLine;

namespace SecureChat.Tui.Tests.CommandLine;

public sealed class ServerLimitsTests
{
    public static TheoryData<string> Keys => new(ServerLimits.All.Select(l => l.Key));

    [Theory]
    [MemberData(nameof(Keys))]
    public void Each_limit_sets_the_engine_field_of_its_own_name_and_no_other(string key)
    {
        ServerLimit limit = ServerLimits.Find(key)!;
        string field = string.Concat(key.Split('-').Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
        PropertyInfo? property = typeof(ChatOptions).GetProperty(field);
        property.ShouldNotBeNull($"ChatOptions has no field {field} for {limit.OptionName}");

        var before = new ChatOptions();
        int value = limit.Default == limit.Min ? limit.Max : limit.Min;
        ChatOptions after = limit.Set(before, value);
        string[] changed = typeof(ChatOptions).GetProperties().Where(p => !Equals(p.GetValue(before), p.GetValue(after))).Select(p => p.Name).ToArray();
        TestContext.Current.TestOutputHelper?.WriteLine($"{limit.OptionName} {limit.Text(value)}: {string.Join(", ", changed)} changed");
        changed.ShouldBe([field]);
        limit.Get(after).ShouldBe(value);
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void Each_limit_is_one_option_of_the_help_with_the_engine_s_default(string key)
    {
        ServerLimit limit = ServerLimits.Find(key)!;
        OptionEntry[] entries = new ChatRootCommand().Entries.Where(e => e.Option.Name == limit.OptionName).ToArray();
        entries.Length.ShouldBe(1);
        entries[0].Default.ShouldBe(limit.Text(limit.Default));
        entries[0].Scope.ShouldBe(limit.Scope);
        entries[0].Option.HelpName.ShouldBe(limit.HelpName);
    }

    [Fact]
    public void A_whole_number_limit_takes_its_range_and_nothing_else()
    {
        ServerLimit peers = ServerLimits.Find("max-peers")!;
        peers.TryParse("1", out int low).ShouldBeTrue();
        peers.TryParse("1000000", out int high).ShouldBeTrue();
        (low, high).ShouldBe((1, 1_000_000));
        foreach (string bad in new[] { "0", "1000001", "-1", "+5", "1,000", "2.5", " 7", "many", string.Empty })
        {
            peers.TryParse(bad, out _).ShouldBeFalse(bad);
        }

        peers.RangeProblem(0).ShouldBe("0 is below the minimum 1");
        peers.RangeProblem(1_000_001).ShouldBe("1000001 is above the maximum 1000000");
        peers.RangeProblem(5).ShouldBeNull();
    }

    [Fact]
    public void The_puzzle_mode_takes_its_words_in_any_case()
    {
        ServerLimit puzzle = ServerLimits.Find("puzzle")!;
        puzzle.TryParse("Never", out int value).ShouldBeTrue();
        puzzle.Set(new ChatOptions(), value).Puzzle.ShouldBe(PuzzleMode.Never);
        puzzle.TryParse("sometimes", out _).ShouldBeFalse();
        puzzle.UsageError.ShouldBe("--puzzle must be auto, always or never");
    }

    [Theory]
    [InlineData("--source-rate", "--handshake-rate")]
    [InlineData("--per-source", "--handshakes-per-source")]
    public void A_renamed_option_is_refused_with_its_new_name(string old, string renamed)
    {
        var error = new StringWriter();
        ChatCommandLine.Invoke(["--server", old, "5"], _ => throw new InvalidOperationException("must not run"), error).ShouldBe(ChatCommandLine.UsageExitCode);
        error.ToString().ShouldBe(string.Create(CultureInfo.InvariantCulture, $"securechat: {old} is now called {renamed} (see --help){Environment.NewLine}"));
    }
}
