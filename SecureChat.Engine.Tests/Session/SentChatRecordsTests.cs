using SecureChat.Engine.Session;

namespace SecureChat.Engine.Tests.Session;

/// <summary>
/// <see cref="SentChatRecords"/>: which recent records were chat messages, so a peer's Close tells how many never
/// arrived. Fixed size (one bit per record over a window), so a long session cannot grow it.
/// </summary>
public sealed class SentChatRecordsTests
{
    [Fact]
    public void Counts_the_chat_records_from_the_first_one_the_peer_did_not_receive()
    {
        var sent = new SentChatRecords();
        foreach (ulong sequence in new ulong[] { 0, 2, 3, 7 })
        {
            sent.Add(sequence); // records 1, 4, 5, 6 were control records (heartbeat, nick, presence)
        }

        sent.CountFrom(from: 0, sent: 8).ShouldBe(4);
        sent.CountFrom(from: 3, sent: 8).ShouldBe(2);
        sent.CountFrom(from: 4, sent: 8).ShouldBe(1);
        sent.CountFrom(from: 8, sent: 8).ShouldBe(0, "the peer received everything");
        sent.CountFrom(from: 8, sent: 12).ShouldBe(0, "only control records after the last message");
    }

    [Fact]
    public void Counts_nothing_before_the_first_message()
    {
        new SentChatRecords().CountFrom(from: 0, sent: 100).ShouldBe(0);
    }

    [Fact]
    public void A_bit_reused_after_a_long_run_of_control_records_does_not_count_twice()
    {
        var sent = new SentChatRecords();
        sent.Add(10);
        sent.Add(10 + SentChatRecords.Window); // the same bit, one window later; everything between was control

        sent.CountFrom(from: 0, sent: 11 + SentChatRecords.Window).ShouldBe(1, "record 10 is outside the window now");
        sent.CountFrom(from: 11, sent: 11 + SentChatRecords.Window).ShouldBe(1);
    }

    [Fact]
    public void Bits_left_from_a_window_ago_are_cleared_by_the_records_in_between()
    {
        var sent = new SentChatRecords();
        for (ulong s = 0; s < SentChatRecords.Window; s++)
        {
            sent.Add(s); // every record a message
        }

        sent.Add(2 * SentChatRecords.Window - 1); // then a window's worth of control records, then one message

        sent.CountFrom(from: 0, sent: 2 * SentChatRecords.Window).ShouldBe(1);
    }

    [Fact]
    public void A_peer_that_missed_more_than_the_window_is_told_of_the_messages_in_the_window()
    {
        var sent = new SentChatRecords();
        for (ulong s = 0; s < 3 * SentChatRecords.Window; s++)
        {
            sent.Add(s);
        }

        sent.CountFrom(from: 0, sent: 3 * SentChatRecords.Window).ShouldBe(SentChatRecords.Window);
    }
}
