using SecureChat.Tui.App;

namespace SecureChat.Tui.Tests.App;

/// <summary>Which messages a client names when its link ends without a Close.</summary>
public sealed class UnconfirmedLinesTests
{
    [Fact]
    public void Only_the_messages_sent_after_the_servers_last_record_are_named_in_order()
    {
        var lines = new UnconfirmedLines();
        lines.Sent("a", heard: 5);
        lines.Sent("b", heard: 5);
        lines.Sent("c", heard: 7);
        lines.Sent("d", heard: 7);

        lines.TakeSince(7).ShouldBe(["c", "d"]);
        lines.TakeSince(7).ShouldBeEmpty("taken once");
    }

    [Fact]
    public void A_record_from_the_server_after_the_last_message_leaves_nothing_to_name()
    {
        var lines = new UnconfirmedLines();
        lines.Sent("a", heard: 5);

        lines.TakeSince(6).ShouldBeEmpty();
    }

    [Fact]
    public void A_message_that_never_went_out_and_a_link_closed_with_a_Close_are_not_named()
    {
        var lines = new UnconfirmedLines();
        lines.Sent("a", heard: 1);
        lines.Sent("b", heard: 1);
        lines.Withdraw("b");
        lines.TakeSince(1).ShouldBe(["a"]);

        lines.Sent("c", heard: 2);
        lines.Clear();
        lines.TakeSince(2).ShouldBeEmpty();
    }
}
