namespace SecureChat.Engine.Transport;

/// <summary>What a <see cref="WriteScheduler"/> sends for: a link's output (<see cref="Connection"/>).</summary>
internal interface IScheduledWriter
{
    /// <summary>True when the writer was not already waiting in the scheduler's queue (it is marked as waiting now).</summary>
    bool TryMarkScheduled();

    /// <summary>The writer left the queue: output sealed from now on schedules it again.</summary>
    void ClearScheduled();

    /// <summary>Sends what the socket takes now, without waiting.</summary>
    void Flush();
}
