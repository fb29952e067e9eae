using Microsoft.Extensions.Time.Testing;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Transport;

/// <summary>
/// The hub-wide bound on pending Parts (PROTOCOL.md 4.1.1): over it once the links' Parts hold more than the limit, its
/// room completing when they are back at or under it; spent for its timeout, it closes the links holding the most
/// until the others fit; a bound below one whole MLS payload is refused.
/// </summary>
public sealed class PartBudgetTests
{
    [Fact]
    public void The_bound_is_over_only_past_the_limit_and_its_room_completes_when_held_bytes_come_back_under()
    {
        using var budget = new PartBudget(100, TimeProvider.System, TimeSpan.FromMinutes(10));
        var link = new PartHolder("link");
        budget.Change(link, 100);
        budget.Over(out Task none).ShouldBeFalse("at the limit");
        none.IsCompleted.ShouldBeTrue();

        budget.Change(link, 1);
        budget.Over(out Task room).ShouldBeTrue("one byte past it");
        room.IsCompleted.ShouldBeFalse();
        budget.Over(out Task same).ShouldBeTrue();
        same.ShouldBeSameAs(room, "every waiting link waits for the same room");

        budget.Change(link, -1);
        room.IsCompleted.ShouldBeTrue("back at the limit");
        budget.Held.ShouldBe(100);
        budget.Over(out _).ShouldBeFalse();
    }

    [Fact]
    public void A_bound_spent_for_its_timeout_closes_the_largest_holders_until_the_others_fit_and_not_a_tick_before()
    {
        var time = new FakeTimeProvider();
        TimeSpan timeout = TimeSpan.FromSeconds(30);
        using var budget = new PartBudget(100, time, timeout);
        PartHolder[] links = [new("first"), new("second"), new("third"), new("fourth")];
        foreach (PartHolder link in links)
        {
            link.Budget = budget;
        }

        links[0].Hold(30);
        links[1].Hold(20);
        time.Advance(TimeSpan.FromMinutes(5)); // at or under the bound, nothing is closed however long
        links.ShouldAllBe(l => l.ClosedFor == null);
        links[2].Hold(70);
        links[3].Hold(60);
        budget.Over(out Task room).ShouldBeTrue();

        time.Advance(timeout - TimeSpan.FromTicks(1));
        links.ShouldAllBe(l => l.ClosedFor == null, "closed a tick early");
        time.Advance(TimeSpan.FromTicks(1));

        links.Where(l => l.ClosedFor != null).Select(l => l.Name).ShouldBe(["third", "fourth"], "the largest first, until the others fit");
        links[2].ClosedFor!.ShouldContain("70 bytes of pending Parts");
        budget.Held.ShouldBe(50);
        room.IsCompleted.ShouldBeTrue("the others are read again");
    }

    [Fact]
    public void A_bound_spent_again_before_its_timeout_counts_from_the_last_time_it_was_passed()
    {
        var time = new FakeTimeProvider();
        TimeSpan timeout = TimeSpan.FromSeconds(30);
        using var budget = new PartBudget(100, time, timeout);
        var link = new PartHolder("link") { Budget = budget };
        var other = new PartHolder("other") { Budget = budget };

        link.Hold(80);
        other.Hold(30);
        time.Advance(timeout - TimeSpan.FromSeconds(1));
        other.Hold(-30); // a record completed: back under the bound
        other.Hold(30);
        time.Advance(timeout - TimeSpan.FromSeconds(1));
        (link.ClosedFor, other.ClosedFor).ShouldBe((null, null));
        time.Advance(TimeSpan.FromSeconds(1));
        link.ClosedFor.ShouldNotBeNull();
        other.ClosedFor.ShouldBeNull();
    }

    [Fact]
    public void A_bound_below_one_mls_payload_or_a_timeout_of_zero_is_refused_and_the_defaults_are_128_mib_and_30_seconds()
    {
        new ChatOptions().PendingParts.ShouldBe(128L << 20);
        new ChatOptions().PendingPartsTimeout.ShouldBe(TimeSpan.FromSeconds(30));
        Should.Throw<ArgumentException>(() => new ChatOptions { PendingPartsTimeout = TimeSpan.Zero }.Validate());
        Should.Throw<ArgumentException>(() => new ChatOptions { PendingParts = WireFormat.MlsPayloadMax - 1 }.Validate());
        new ChatOptions { PendingParts = WireFormat.MlsPayloadMax }.Validate();
    }
}
