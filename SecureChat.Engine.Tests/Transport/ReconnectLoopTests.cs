using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Transport;

/// <summary>
/// The reconnect loop on a <see cref="FakeTimeProvider"/> with a stand-in for the connection: each attempt comes
/// when its pause is over and not a tick before, failures lead to longer pauses, and a failure that must not be
/// retried ends the loop.
/// </summary>
public sealed class ReconnectLoopTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_tick = TimeSpan.FromTicks(1);

    private sealed class Harness
    {
        public Harness(Func<int, Exception?> outcome)
        {
            Loop = new ReconnectLoop(new Backoff(() => 0.5), Time, _ =>
            {
                int attempt = Interlocked.Increment(ref _attempts);
                return outcome(attempt) is { } e ? Task.FromException(e) : Task.CompletedTask;
            }, (delay, attempt) => Pauses.Enqueue((delay, attempt)), GaveUp.Enqueue);
        }

        private int _attempts;

        public FakeTimeProvider Time { get; } = new();

        public ReconnectLoop Loop { get; }

        public int Attempts => Volatile.Read(ref _attempts);

        public ConcurrentQueue<(TimeSpan Delay, int Attempt)> Pauses { get; } = new();

        public ConcurrentQueue<SessionFailure> GaveUp { get; } = new();
    }

    private static ChatConnectionException Failure(FailureReason reason) => new(SessionFailure.Create(reason));

    [Fact]
    public void A_lost_link_is_announced_at_once_and_replaced_when_the_first_pause_is_over_and_not_a_tick_before()
    {
        var h = new Harness(_ => null);

        h.Loop.Lost();

        h.Pauses.ShouldBe([(TimeSpan.FromSeconds(1), 1)]);
        h.Loop.IsActive.ShouldBeTrue();
        h.Time.Advance(TimeSpan.FromSeconds(1) - s_tick);
        h.Attempts.ShouldBe(0, "connected a tick early");
        h.Time.Advance(s_tick);
        h.Attempts.ShouldBe(1);
        h.Loop.IsActive.ShouldBeFalse();
        h.GaveUp.ShouldBeEmpty();
    }

    [Fact]
    public void Each_failed_attempt_doubles_the_pause_up_to_sixty_seconds()
    {
        var h = new Harness(attempt => attempt < 9 ? Failure(FailureReason.ConnectionFailed) : null);

        h.Loop.Lost();
        while (h.Attempts < 9)
        {
            h.Time.Advance(h.Pauses.Last().Delay);
        }

        output.WriteLine("pauses: " + string.Join(", ", h.Pauses.Select(p => $"#{p.Attempt} {p.Delay.TotalSeconds} s")));
        h.Pauses.Select(p => (int)p.Delay.TotalSeconds).ShouldBe([1, 2, 4, 8, 16, 32, 60, 60, 60]);
        h.Pauses.Select(p => p.Attempt).ShouldBe([1, 2, 3, 4, 5, 6, 7, 8, 9]);
        h.Loop.IsActive.ShouldBeFalse("the ninth attempt connected");
    }

    [Theory]
    [InlineData(FailureReason.IdentityChanged)]
    [InlineData(FailureReason.IdentityRejected)]
    [InlineData(FailureReason.UnsupportedVersion)]
    [InlineData(FailureReason.PassphraseMismatch)]
    [InlineData(FailureReason.KeyConfirmationFailed)]
    public void A_failure_that_another_attempt_cannot_mend_ends_the_loop_for_good(FailureReason reason)
    {
        var h = new Harness(_ => Failure(reason));

        h.Loop.Lost();
        h.Time.Advance(TimeSpan.FromSeconds(1));
        h.Time.Advance(TimeSpan.FromHours(1));

        h.Attempts.ShouldBe(1);
        h.GaveUp.Single().Reason.ShouldBe(reason);
        h.Pauses.Count.ShouldBe(1, "no pause after the failure that stops");
        h.Loop.IsActive.ShouldBeFalse();
    }

    [Theory]
    [InlineData(FailureReason.ConnectionFailed)]
    [InlineData(FailureReason.ConnectionLost)]
    [InlineData(FailureReason.HandshakeTimeout)]
    [InlineData(FailureReason.ServerBusy)]
    [InlineData(FailureReason.ServerShuttingDown)]
    [InlineData(FailureReason.PuzzleRequired)]
    public void A_failure_another_attempt_may_mend_leads_to_the_next_pause(FailureReason reason)
    {
        var h = new Harness(attempt => attempt == 1 ? Failure(reason) : null);

        h.Loop.Lost();
        h.Time.Advance(TimeSpan.FromSeconds(1));

        h.Pauses.Last().ShouldBe((TimeSpan.FromSeconds(2), 2));
        h.Time.Advance(TimeSpan.FromSeconds(2));
        h.Attempts.ShouldBe(2);
        h.GaveUp.ShouldBeEmpty();
    }

    [Fact]
    public async Task Now_cuts_the_pause_short_and_the_attempt_follows_at_once()
    {
        var h = new Harness(attempt => attempt < 3 ? Failure(FailureReason.ConnectionFailed) : null);
        h.Loop.Lost();
        h.Time.Advance(TimeSpan.FromSeconds(1));
        h.Time.Advance(TimeSpan.FromSeconds(2));
        h.Pauses.Last().ShouldBe((TimeSpan.FromSeconds(4), 3));

        h.Loop.Now();

        await Eventually.True(() => h.Attempts == 3, "the attempt after Now()");
        h.Loop.IsActive.ShouldBeFalse();
    }

    [Fact]
    public void Now_without_a_pause_does_nothing()
    {
        var h = new Harness(_ => null);

        h.Loop.Now();

        h.Attempts.ShouldBe(0);
        h.Pauses.ShouldBeEmpty();
    }

    [Fact]
    public async Task Stopping_ends_a_pause_and_no_attempt_follows()
    {
        var h = new Harness(_ => null);
        h.Loop.Lost();

        await h.Loop.StopAsync();
        h.Time.Advance(TimeSpan.FromMinutes(5));
        h.Loop.Lost();

        h.Attempts.ShouldBe(0);
        h.Pauses.Count.ShouldBe(1);
        h.Loop.IsActive.ShouldBeFalse();
    }

    [Fact]
    public void A_link_lost_soon_after_it_was_secure_continues_the_count_and_one_that_lasted_a_minute_starts_it_over()
    {
        var h = new Harness(_ => null);
        h.Loop.Secured();
        h.Loop.Lost();
        h.Time.Advance(TimeSpan.FromSeconds(1));
        h.Loop.Secured();

        h.Time.Advance(TimeSpan.FromSeconds(10));
        h.Loop.Lost(); // a short-lived link: the next pause is longer
        h.Pauses.Last().ShouldBe((TimeSpan.FromSeconds(2), 2));
        h.Time.Advance(TimeSpan.FromSeconds(2));
        h.Loop.Secured();

        h.Time.Advance(ReconnectLoop.SteadyAfter);
        h.Loop.Lost(); // a steady link: the count starts over
        h.Pauses.Last().ShouldBe((TimeSpan.FromSeconds(1), 1));
    }

    [Fact]
    public void A_new_link_lost_before_its_attempt_returned_is_replaced_too()
    {
        ReconnectLoop? loop = null;
        var h = new Harness(attempt =>
        {
            if (attempt == 1)
            {
                loop!.Secured();
                loop.Lost(); // the new link ends at once, while its attempt is still returning
            }

            return null;
        });
        loop = h.Loop;

        h.Loop.Lost();
        h.Time.Advance(TimeSpan.FromSeconds(1));

        h.Loop.IsActive.ShouldBeTrue();
        h.Pauses.Last().ShouldBe((TimeSpan.FromSeconds(2), 2));
        h.Time.Advance(TimeSpan.FromSeconds(2));
        h.Attempts.ShouldBe(2);
        h.Loop.IsActive.ShouldBeFalse();
    }
}
