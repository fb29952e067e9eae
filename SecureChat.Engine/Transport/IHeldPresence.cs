namespace SecureChat.Engine.Transport;

/// <summary>A link holding presence notices for its peer, which a <see cref="PresenceFlusher"/> sends in turn.</summary>
internal interface IHeldPresence
{
    /// <summary>The presence delay has passed: the notices held since go out (if still held).</summary>
    void FlushHeldPresence();
}
