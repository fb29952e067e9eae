namespace SecureChat.Engine.Transport;

/// <summary>
/// Hub: sends each link's held acknowledgement once <see cref="ChatOptions.AckDelay"/> has passed with nothing else
/// to send it with (PROTOCOL.md 4.7). An Ack a read calls for waits for the next output to that member (an answer, a
/// relay, a notice) and goes out in the same socket write, like TCP's delayed ACK: a message answered within the
/// delay costs the member one read instead of two. One timer serves every link. Thread-safe.
/// </summary>
internal sealed class AckFlusher(TimeSpan delay, TimeProvider time) : DelayedFlusher<IHeldAck>(delay, time)
{
    protected override void FlushOne(IHeldAck link) => link.FlushHeldAck();
}
