using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Transport;

/// <summary>
/// The unsent-byte accounting behind back pressure: a local send may seal while less than the send limit is unsent,
/// a relayed peer is over its limit from the limit on, and waiters are released once the writer leaves at most half
/// the send limit unsent (or the link ended). Boundaries at limit-1, limit and limit+1.
/// </summary>
public sealed class SendBudgetTests
{
    private const int SendLimit = 1_000;
    private const int RelayLimit = 8_000;

    [Theory]
    [InlineData(0, true)]
    [InlineData(SendLimit - 1, true)]
    [InlineData(SendLimit, false)]
    [InlineData(SendLimit + 1, false)]
    public void A_local_send_may_seal_only_while_less_than_the_send_limit_is_unsent(int pending, bool expected)
    {
        var budget = new SendBudget(SendLimit, RelayLimit);

        budget.CanSend(pending).ShouldBe(expected);
    }

    [Theory]
    [InlineData(SendLimit - 1, 0, true)]
    [InlineData(SendLimit - 1, 1, false)]
    [InlineData(1, SendLimit - 2, true)]
    [InlineData(1, SendLimit - 1, false)]
    public void The_batch_the_writer_holds_counts_as_unsent_alongside_what_the_session_has_pending(int taken, int pending, bool expected)
    {
        var budget = new SendBudget(SendLimit, RelayLimit);
        budget.Taken(taken);

        budget.Unsent(pending).ShouldBe(taken + pending);
        budget.CanSend(pending).ShouldBe(expected);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(RelayLimit - 1, false)]
    [InlineData(RelayLimit, true)]
    [InlineData(RelayLimit + 1, true)]
    public void A_relayed_peer_is_over_its_limit_from_exactly_the_relay_limit_on(int pending, bool expected)
    {
        var budget = new SendBudget(SendLimit, RelayLimit);

        budget.OverRelayLimit(pending).ShouldBe(expected);
    }

    [Theory]
    [InlineData(RelayLimit, 0, true)]
    [InlineData(RelayLimit - 1, 0, false)]
    [InlineData(RelayLimit - 1, 1, true)]
    [InlineData(1, RelayLimit - 2, false)]
    [InlineData(RelayLimit / 2, RelayLimit / 2, true)]
    public void The_relay_limit_counts_the_writer_s_batch_too(int taken, int pending, bool expected)
    {
        var budget = new SendBudget(SendLimit, RelayLimit);
        budget.Taken(taken);

        budget.OverRelayLimit(pending).ShouldBe(expected);
    }

    [Fact]
    public void A_finished_batch_no_longer_counts_as_unsent()
    {
        var budget = new SendBudget(SendLimit, RelayLimit);
        budget.Taken(SendLimit);
        budget.CanSend(0).ShouldBeFalse();

        _ = budget.Written(pending: 0);

        budget.Unsent(0).ShouldBe(0);
        budget.CanSend(SendLimit - 1).ShouldBeTrue();
    }

    [Theory]
    [InlineData(SendLimit, SendLimit / 2 + 1)] // 501 of 1000 unsent: still waiting
    [InlineData(SendLimit, SendLimit - 1)]
    [InlineData(SendLimit, SendLimit)]
    [InlineData(SendLimit, SendLimit + 1)]
    [InlineData(SendLimit + 1, SendLimit / 2 + 1)] // half of 1001 rounds down: 501 unsent still waits
    public void A_waiter_is_not_released_while_more_than_half_the_send_limit_stays_unsent(int sendLimit, int pendingAfterWrite)
    {
        var budget = new SendBudget(sendLimit, RelayLimit);
        budget.Taken(sendLimit);
        Task wait = budget.WaitForRoom();

        TaskCompletionSource? released = budget.Written(pendingAfterWrite);

        released.ShouldBeNull();
        wait.IsCompleted.ShouldBeFalse();
        budget.WaitForRoom().ShouldBeSameAs(wait, "a later sender waits on the same completion");
    }

    [Theory]
    [InlineData(SendLimit, SendLimit / 2)] // 500 of 1000 unsent: released
    [InlineData(SendLimit, SendLimit / 2 - 1)]
    [InlineData(SendLimit, 0)]
    [InlineData(SendLimit + 1, SendLimit / 2)] // 500 of 1001
    [InlineData(1, 0)]
    public void A_waiter_is_released_once_the_writer_leaves_at_most_half_the_send_limit_unsent(int sendLimit, int pendingAfterWrite)
    {
        var budget = new SendBudget(sendLimit, RelayLimit);
        budget.Taken(sendLimit);
        Task first = budget.WaitForRoom();
        Task second = budget.WaitForRoom();
        first.IsCompleted.ShouldBeFalse();

        TaskCompletionSource? released = budget.Written(pendingAfterWrite);

        released.ShouldNotBeNull();
        released.Task.ShouldBeSameAs(first);
        first.IsCompleted.ShouldBeFalse("the caller completes the waiters, outside the lock");
        released.TrySetResult();
        first.IsCompletedSuccessfully.ShouldBeTrue();
        second.IsCompletedSuccessfully.ShouldBeTrue();
        budget.WaitForRoom().IsCompleted.ShouldBeFalse("a sender after the release waits for the next one");
    }

    [Fact]
    public void A_write_with_nobody_waiting_releases_nothing()
    {
        var budget = new SendBudget(SendLimit, RelayLimit);
        budget.Taken(10);

        budget.Written(pending: 0).ShouldBeNull();
        budget.ReleaseWaiters().ShouldBeNull();
    }

    [Fact]
    public void Releasing_the_waiters_when_the_link_ends_completes_them_whatever_is_unsent()
    {
        var budget = new SendBudget(SendLimit, RelayLimit);
        budget.Taken(SendLimit * 4);
        Task wait = budget.WaitForRoom();
        budget.Written(pending: SendLimit * 4).ShouldBeNull();

        TaskCompletionSource? released = budget.ReleaseWaiters();

        released.ShouldNotBeNull();
        released.TrySetResult();
        wait.IsCompletedSuccessfully.ShouldBeTrue();
        budget.ReleaseWaiters().ShouldBeNull("each waiter is handed out once");
    }
}
