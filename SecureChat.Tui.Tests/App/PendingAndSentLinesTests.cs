using SecureChat.Tui.App;

namespace SecureChat.Tui.Tests.App;

/// <summary>The lines that wait for the connection, and the ones that wait for the hub's acknowledgement.</summary>
public sealed class PendingAndSentLinesTests
{
    private static ChatLine Own(string text, long id) => new ChatLine(LineKind.Own, text, "Bob", DateTimeOffset.Now) with { Id = id };

    [Fact]
    public void Pending_lines_go_out_in_the_order_typed_and_one_that_could_not_go_out_is_next_again()
    {
        var pending = new PendingLines();
        pending.Add(Own("a", 1), "#lobby");
        pending.Add(Own("b", 2), "#rust");

        pending.TryTake(out ChatLine first, out string room).ShouldBeTrue();
        (first.RawText, room).ShouldBe(("a", "#lobby"));
        pending.PutBack(first, room);
        pending.Texts.ShouldBe(["a", "b"]);
        pending.TakeAll().ShouldBe(["a", "b"]);
        pending.TryTake(out _, out _).ShouldBeFalse();
    }

    [Fact]
    public void An_acknowledgement_of_n_marks_the_first_n_messages_of_the_link_once_each()
    {
        var sent = new SentLines();
        sent.Sent(Own("a", 1));
        sent.Sent(Own("b", 2));
        sent.Sent(Own("c", 3));

        sent.HubAcknowledges.ShouldBeFalse();
        sent.Acknowledge(2).Select(l => (l.Id, l.Acknowledged)).ShouldBe([(1L, true), (2L, true)]);
        sent.Acknowledge(2).ShouldBeEmpty("already marked");
        sent.Acknowledge(1).ShouldBeEmpty("a count that goes back means nothing new");
        sent.HubAcknowledges.ShouldBeTrue();
        sent.Reset().ShouldBe(["c"], "left unacknowledged when the link ended");
        sent.HubAcknowledges.ShouldBeFalse("a new link has its own count");
    }

    [Fact]
    public void An_acknowledgement_beyond_what_was_sent_marks_only_what_was_sent_and_a_withdrawn_message_is_not_counted()
    {
        var sent = new SentLines();
        ChatLine a = Own("a", 1);
        ChatLine b = Own("b", 2);
        sent.Sent(a);
        sent.Sent(b);
        sent.Withdraw(b); // refused by the engine: never went out
        ChatLine c = Own("c", 3);
        sent.Sent(c);

        sent.Acknowledge(5).Select(l => l.RawText).ShouldBe(["a", "c"]);
        sent.Reset().ShouldBeEmpty();
    }
}
