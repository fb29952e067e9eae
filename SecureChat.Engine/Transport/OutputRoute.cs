namespace SecureChat.Engine.Transport;

/// <summary>How <see cref="LinkOutput.Send"/> sends what a <see cref="Link"/> sealed under its lock, and raises the events queued there.</summary>
internal enum OutputRoute
{
    /// <summary>One of many links served in a row (a relay, a notice to all): on the hub in its <see cref="WriteScheduler"/> turn, else on this thread.</summary>
    InTurn,

    /// <summary>
    /// Answers this link's own reader, job or timer: sent on this thread even on the hub, without waiting for a
    /// <see cref="WriteScheduler"/> turn.
    /// </summary>
    OwnLink,

    /// <summary>
    /// The application's own message, which may be one of a stream: sent inline when alone, else left to the write
    /// loop to send with the others (<see cref="Connection.FlushMessage"/>); on the hub, in its turn.
    /// </summary>
    Message,

    /// <summary>
    /// The caller holds the hub's membership lock, or its relay order (a GroupRelay): the events are raised on the
    /// thread pool and no socket call is made here. A drop raised inline would run the owner's handlers inside the lock, announce the leave to every
    /// member from there, and so on down one stack for every peer dropped in turn (a hub of 10,000 whose peers all
    /// left at once overflowed its stack that way).
    /// </summary>
    UnderHubLock,
}
