namespace SecureChat.Engine.Transport;

/// <summary>
/// One <see cref="WriteScheduler.HoldWakeUps"/> of the current thread: disposing it (on that thread) ends it, and the
/// outermost starts the writers' workers for the links scheduled meanwhile.
/// </summary>
internal readonly struct HeldWakeUps : IDisposable
{
    public void Dispose() => WriteScheduler.ReleaseWakeUps();
}
