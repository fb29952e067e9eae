using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Transport;

/// <summary>
/// <see cref="ChatOptions.Validate"/>, which both endpoints run before anything else: the PBKDF2 count is this side's own
/// setting and stays within [<see cref="ChatOptions.MinimumIterations"/>, <see cref="ChatOptions.MaxIterations"/>]; a
/// count above the maximum is refused, never taken as a reason to raise the maximum. Every limit is checked too.
/// </summary>
public sealed class ChatOptionsTests
{
    [Fact]
    public void The_defaults_are_valid_and_are_the_documented_counts()
    {
        var defaults = new ChatOptions();
        defaults.Validate();
        (defaults.Iterations, defaults.MaxIterations).ShouldBe((100_000, 1_000_000));
        (ChatOptions.MinimumIterations, ChatOptions.MaximumIterations).ShouldBe((100_000, 10_000_000));
    }

    [Theory]
    [InlineData(100_000, 100_000)]
    [InlineData(100_000, 1_000_000)]
    [InlineData(1_000_000, 1_000_000)]
    [InlineData(2_000_000, 10_000_000)]
    [InlineData(10_000_000, 10_000_000)]
    public void A_count_from_the_minimum_up_to_the_maximum_is_accepted(int iterations, int maxIterations)
    {
        new ChatOptions { Iterations = iterations, MaxIterations = maxIterations }.Validate();
    }

    [Theory]
    [InlineData(1_000_001, 1_000_000)]
    [InlineData(2_000_000, 1_000_000)]
    [InlineData(200_000, 150_000)]
    [InlineData(99_999, 1_000_000)]
    [InlineData(0, 1_000_000)]
    [InlineData(-1, 1_000_000)]
    public void A_count_outside_the_minimum_and_this_side_s_maximum_is_refused_in_one_line(int iterations, int maxIterations)
    {
        var options = new ChatOptions { Iterations = iterations, MaxIterations = maxIterations };
        string message = Should.Throw<ArgumentException>(options.Validate).Message;
        message.ShouldStartWith("iterations must be between ");
        message.ShouldNotContain("\n");
    }

    [Theory]
    [InlineData(99_999)]
    [InlineData(10_000_001)]
    [InlineData(0)]
    public void A_maximum_outside_the_allowed_range_is_refused(int maxIterations)
    {
        var options = new ChatOptions { MaxIterations = maxIterations };
        Should.Throw<ArgumentException>(options.Validate).Message.ShouldStartWith("the maximum iteration count must be between ");
    }

    [Fact]
    public void Both_endpoints_refuse_a_count_above_their_maximum_before_doing_anything()
    {
        var options = new ChatOptions { Iterations = 1_000_001 };
        Should.Throw<ArgumentException>(() => new ChatServer(options));
        Should.Throw<ArgumentException>(() => new ChatClient(options));
    }

    [Fact]
    public void Only_a_benchmark_may_go_below_the_minimum_and_never_below_one_nor_above_the_maximum()
    {
        new ChatOptions { Iterations = 1, AllowWeakIterationsForBenchmark = true }.Validate();
        Should.Throw<ArgumentException>(new ChatOptions { Iterations = 0, AllowWeakIterationsForBenchmark = true }.Validate);
        Should.Throw<ArgumentException>(new ChatOptions { Iterations = 1_000_001, AllowWeakIterationsForBenchmark = true }.Validate);
    }

    [Theory]
    [InlineData(nameof(ChatOptions.MaxHandshakes))]
    [InlineData(nameof(ChatOptions.HandshakesPerSource))]
    [InlineData(nameof(ChatOptions.EarlyDropStart))]
    [InlineData(nameof(ChatOptions.EarlyDropPercent))]
    [InlineData(nameof(ChatOptions.HandshakeTimeout))]
    [InlineData(nameof(ChatOptions.HandshakeStepTimeout))]
    [InlineData(nameof(ChatOptions.HandshakeRate))]
    [InlineData(nameof(ChatOptions.MaxDerivations))]
    [InlineData(nameof(ChatOptions.ConfirmationPenalty))]
    [InlineData(nameof(ChatOptions.MaxPeers))]
    [InlineData(nameof(ChatOptions.PeersPerSource))]
    [InlineData(nameof(ChatOptions.FailedConfirmations))]
    [InlineData(nameof(ChatOptions.PeerOutput))]
    [InlineData(nameof(ChatOptions.ServerOutput))]
    [InlineData(nameof(ChatOptions.FairShare))]
    [InlineData(nameof(ChatOptions.WriteTimeout))]
    [InlineData(nameof(ChatOptions.NickBurst))]
    [InlineData(nameof(ChatOptions.NickInterval))]
    [InlineData(nameof(ChatOptions.PresenceDelay))]
    [InlineData(nameof(ChatOptions.PuzzleBits))]
    public void A_limit_is_accepted_at_its_smallest_value_and_refused_below_it(string limit)
    {
        (ChatOptions smallest, ChatOptions below) = limit switch
        {
            nameof(ChatOptions.MaxHandshakes) => (new ChatOptions { MaxHandshakes = 1 }, new ChatOptions { MaxHandshakes = 0 }),
            nameof(ChatOptions.HandshakesPerSource) => (new ChatOptions { HandshakesPerSource = 1 }, new ChatOptions { HandshakesPerSource = 0 }),
            nameof(ChatOptions.EarlyDropStart) => (new ChatOptions { EarlyDropStart = 1 }, new ChatOptions { EarlyDropStart = 0 }),
            nameof(ChatOptions.EarlyDropPercent) => (new ChatOptions { EarlyDropPercent = 0 }, new ChatOptions { EarlyDropPercent = -1 }),
            nameof(ChatOptions.HandshakeTimeout) => (new ChatOptions { HandshakeTimeout = TimeSpan.FromTicks(1) }, new ChatOptions { HandshakeTimeout = TimeSpan.Zero }),
            nameof(ChatOptions.HandshakeStepTimeout) => (new ChatOptions { HandshakeStepTimeout = TimeSpan.FromTicks(1) }, new ChatOptions { HandshakeStepTimeout = TimeSpan.Zero }),
            nameof(ChatOptions.HandshakeRate) => (new ChatOptions { HandshakeRate = 0.5 }, new ChatOptions { HandshakeRate = 0 }),
            nameof(ChatOptions.MaxDerivations) => (new ChatOptions { MaxDerivations = 1 }, new ChatOptions { MaxDerivations = 0 }),
            nameof(ChatOptions.ConfirmationPenalty) => (new ChatOptions { ConfirmationPenalty = TimeSpan.Zero }, new ChatOptions { ConfirmationPenalty = TimeSpan.FromTicks(-1) }),
            nameof(ChatOptions.MaxPeers) => (new ChatOptions { MaxPeers = 1 }, new ChatOptions { MaxPeers = 0 }),
            nameof(ChatOptions.FailedConfirmations) => (new ChatOptions { FailedConfirmations = 0 }, new ChatOptions { FailedConfirmations = -1 }),
            nameof(ChatOptions.PeersPerSource) => (new ChatOptions { PeersPerSource = 1 }, new ChatOptions { PeersPerSource = 0 }),
            nameof(ChatOptions.PeerOutput) => (new ChatOptions { PeerOutput = 1 }, new ChatOptions { PeerOutput = 0 }),
            nameof(ChatOptions.ServerOutput) => (new ChatOptions { ServerOutput = 1 }, new ChatOptions { ServerOutput = 0 }),
            nameof(ChatOptions.FairShare) => (new ChatOptions { FairShare = 16_453 }, new ChatOptions { FairShare = 16_452 }),
            nameof(ChatOptions.WriteTimeout) => (new ChatOptions { WriteTimeout = TimeSpan.FromTicks(1) }, new ChatOptions { WriteTimeout = TimeSpan.Zero }),
            nameof(ChatOptions.NickBurst) => (new ChatOptions { NickBurst = 1 }, new ChatOptions { NickBurst = 0 }),
            nameof(ChatOptions.NickInterval) => (new ChatOptions { NickInterval = TimeSpan.FromTicks(1) }, new ChatOptions { NickInterval = TimeSpan.Zero }),
            nameof(ChatOptions.PresenceDelay) => (new ChatOptions { PresenceDelay = TimeSpan.Zero }, new ChatOptions { PresenceDelay = TimeSpan.FromTicks(-1) }),
            nameof(ChatOptions.PuzzleBits) => (new ChatOptions { PuzzleBits = 1 }, new ChatOptions { PuzzleBits = 0 }),
            _ => throw new ArgumentOutOfRangeException(nameof(limit), limit, "no such limit in this test"),
        };

        smallest.Validate();
        Should.Throw<ArgumentException>(below.Validate).Message.ShouldNotContain("\n");
    }

    [Fact]
    public void Early_drop_above_100_percent_and_a_puzzle_harder_than_the_wire_allows_are_refused()
    {
        new ChatOptions { EarlyDropPercent = 100, PuzzleBits = 20 }.Validate();
        Should.Throw<ArgumentException>(new ChatOptions { EarlyDropPercent = 101 }.Validate);
        Should.Throw<ArgumentException>(new ChatOptions { PuzzleBits = 21 }.Validate);
    }
}
