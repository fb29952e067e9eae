using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Transport;

/// <summary>
/// The hub-wide bound on pending Parts (PROTOCOL.md 4.1.1): over it once the links' Parts hold more than the limit, its
/// room completing when they are back at or under it; a bound below one whole MLS payload is refused.
/// </summary>
public sealed class PartBudgetTests
{
    [Fact]
    public void The_bound_is_over_only_past_the_limit_and_its_room_completes_when_held_bytes_come_back_under()
    {
        var budget = new PartBudget(100);
        budget.Change(100);
        budget.Over(out Task none).ShouldBeFalse("at the limit");
        none.IsCompleted.ShouldBeTrue();

        budget.Change(1);
        budget.Over(out Task room).ShouldBeTrue("one byte past it");
        room.IsCompleted.ShouldBeFalse();
        budget.Over(out Task same).ShouldBeTrue();
        same.ShouldBeSameAs(room, "every waiting link waits for the same room");

        budget.Change(-1);
        room.IsCompleted.ShouldBeTrue("back at the limit");
        budget.Held.ShouldBe(100);
        budget.Over(out _).ShouldBeFalse();
    }

    [Fact]
    public void A_bound_below_one_mls_payload_is_refused_and_the_default_is_128_mib()
    {
        new ChatOptions().PendingParts.ShouldBe(128L << 20);
        Should.Throw<ArgumentException>(() => new ChatOptions { PendingParts = WireFormat.MlsPayloadMax - 1 }.Validate());
        new ChatOptions { PendingParts = WireFormat.MlsPayloadMax }.Validate();
    }
}
