using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Transport;

/// <summary>The pauses of a client's reconnect loop: doubling from 1 s to a 60 s ceiling, each spread by at most 20% either way.</summary>
public sealed class BackoffTests(ITestOutputHelper output)
{
    [Fact]
    public void The_nominal_pause_doubles_from_one_second_and_stops_at_sixty()
    {
        int[] seconds = [.. Enumerable.Range(1, 10).Select(a => (int)Backoff.Nominal(a).TotalSeconds)];

        seconds.ShouldBe([1, 2, 4, 8, 16, 32, 60, 60, 60, 60]);
        Backoff.Nominal(int.MaxValue).ShouldBe(TimeSpan.FromSeconds(60));
    }

    [Theory]
    [InlineData(0.0, 0.8)]
    [InlineData(0.5, 1.0)]
    [InlineData(0.999999, 1.2)]
    public void A_pause_is_its_nominal_value_spread_by_the_random_draw_by_at_most_a_fifth(double draw, double factor)
    {
        var backoff = new Backoff(() => draw);

        backoff.Delay(1).TotalMilliseconds.ShouldBe(1000 * factor, 0.1);
        backoff.Delay(3).TotalMilliseconds.ShouldBe(4000 * factor, 0.1);
        backoff.Delay(9).TotalMilliseconds.ShouldBe(60_000 * factor, 0.1);
    }

    [Fact]
    public void Random_pauses_stay_within_a_fifth_of_their_nominal_value_and_spread_over_that_range()
    {
        var backoff = new Backoff();
        double[] factors = [.. Enumerable.Range(0, 2000).Select(i => backoff.Delay(1 + i % 8) / Backoff.Nominal(1 + i % 8))];

        output.WriteLine($"2000 pauses: factor {factors.Min():F3} .. {factors.Max():F3}");
        factors.ShouldAllBe(f => f >= 0.8 && f <= 1.2);
        factors.Min().ShouldBeLessThan(0.85);
        factors.Max().ShouldBeGreaterThan(1.15);
    }

    [Fact]
    public void There_is_no_attempt_zero()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => Backoff.Nominal(0));
    }
}
