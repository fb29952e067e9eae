using System.Net;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Transport;

public sealed class ConfirmationBudgetTests
{
    private static readonly SourcePrefix s_stranger = new(IPAddress.Parse("198.51.100.7"));
    private static readonly SourcePrefix s_member = new(IPAddress.Parse("203.0.113.9"));

    [Fact]
    public void Newcomers_are_refused_once_the_failures_spend_the_budget_and_again_served_as_it_refills()
    {
        var time = new ManualTime();
        var budget = new ConfirmationBudget(new ChatOptions { FailedConfirmations = 2, Time = time });

        budget.Failed();
        budget.Refuses(s_stranger).ShouldBeFalse("one of two spent");
        budget.Failed();
        budget.Refuses(s_stranger).ShouldBeTrue("both spent");
        budget.Refuses(null).ShouldBeTrue("an unknown source too");

        time.Advance(TimeSpan.FromSeconds(30)); // 2 a minute: one back
        budget.Refuses(s_stranger).ShouldBeFalse();
    }

    [Fact]
    public void An_overdrawn_budget_is_paid_back_at_its_rate_before_newcomers_are_served_again()
    {
        var time = new ManualTime();
        var budget = new ConfirmationBudget(new ChatOptions { FailedConfirmations = 2, Time = time });
        for (int i = 0; i < 6; i++)
        {
            budget.Failed(); // guesses already under way when the budget ran out
        }

        // From -4, one whole token takes 5 at 2 a minute: 150 s.
        time.Advance(TimeSpan.FromSeconds(148));
        budget.Refuses(s_stranger).ShouldBeTrue();
        time.Advance(TimeSpan.FromSeconds(3));
        budget.Refuses(s_stranger).ShouldBeFalse();
    }

    [Fact]
    public void A_network_that_proved_the_passphrase_within_the_penalty_period_is_served_while_the_budget_is_spent()
    {
        var time = new ManualTime();
        var budget = new ConfirmationBudget(new ChatOptions { FailedConfirmations = 1, ConfirmationPenalty = TimeSpan.FromMinutes(5), Time = time });
        budget.Succeeded(s_member);
        budget.Failed();

        budget.Refuses(s_member).ShouldBeFalse();
        budget.Refuses(s_stranger).ShouldBeTrue();

        time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        budget.Failed(); // the refilled budget, spent again
        budget.Refuses(s_member).ShouldBeTrue("its proof is older than the penalty period");
    }

    [Fact]
    public void A_budget_of_zero_refuses_nobody()
    {
        var budget = new ConfirmationBudget(new ChatOptions { FailedConfirmations = 0, Time = new ManualTime() });
        for (int i = 0; i < 100; i++)
        {
            budget.Failed();
        }

        budget.Refuses(s_stranger).ShouldBeFalse();
    }
}
