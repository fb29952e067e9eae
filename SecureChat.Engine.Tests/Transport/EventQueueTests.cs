using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Transport;

/// <summary>
/// The hub operator's <see cref="EventQueue"/> past its bound of waiting message text: the poster (a link's reader)
/// is never blocked; the queue says it is full to the sender whose messages wait there (not to a link with none), and
/// the room it gives completes once the messages were raised.
/// </summary>
public sealed class EventQueueTests(ITestOutputHelper output)
{
    private const string Flooder = "F100D3";
    private const string Bystander = "B1";
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Posting_past_the_bound_returns_at_once_the_queue_is_full_for_its_sender_alone_and_its_room_completes_once_the_handler_caught_up()
    {
        var queue = new EventQueue(messageBytesLimit: 100);
        using var handler = new ManualResetEventSlim();
        int raised = 0;
        void Raise()
        {
            handler.Wait(s_wait);
            Interlocked.Increment(ref raised);
        }

        queue.PostMessage("MessageReceived", Raise, 80, Flooder);
        using var posted = new ManualResetEventSlim();
        var poster = new Thread(() =>
        {
            queue.PostMessage("MessageReceived", Raise, 80, Flooder); // past the bound while the handler is held
            queue.PostMessage("MessageReceived", Raise, 80, Flooder);
            posted.Set();
        });
        poster.Start();

        bool returned = posted.Wait(TimeSpan.FromSeconds(5));
        output.WriteLine($"posts past the bound returned while the handler was held: {returned}");
        returned.ShouldBeTrue("a post past the bound blocked its thread (a link's reader) instead of leaving the wait to the read loop");
        queue.Full(Flooder, out Task room).ShouldBeTrue();
        room.IsCompleted.ShouldBeFalse();
        queue.Full(Bystander, out Task other).ShouldBeFalse("a link with no message in the queue was held back by another's flood");
        other.IsCompleted.ShouldBeTrue();
        queue.Full(null, out _).ShouldBeFalse("a link not yet identified has no message in the queue");

        handler.Set();
        await room.WaitAsync(s_wait);
        await queue.Drained().WaitAsync(s_wait);
        Volatile.Read(ref raised).ShouldBe(3);
        queue.Full(Flooder, out Task after).ShouldBeFalse();
        after.IsCompleted.ShouldBeTrue();
        poster.Join();
    }
}
