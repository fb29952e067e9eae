namespace SecureChat.Engine.Transport;

/// <summary>A link holding an acknowledgement for its peer, which an <see cref="AckFlusher"/> sends in turn.</summary>
internal interface IHeldAck
{
    /// <summary>The acknowledgement delay has passed: the Ack held since goes out (if still held).</summary>
    void FlushHeldAck();
}
