namespace SecureChat.Engine.Transport;

/// <summary>
/// A server's bound on concurrent PBKDF2 derivations (one per core by default), and how many are wanted: running
/// plus waiting. The puzzle policy reads <see cref="Overloaded"/>: more derivations waiting than can run at once.
/// Also counts the derivations that actually ran, so the work peers made the server do can be checked (tests, the
/// benchmark). Thread-safe.
/// </summary>
internal sealed class DerivationGate(int slots) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(slots, slots);
    private int _demand;
    private long _run;

    /// <summary>Derivations running or waiting for a slot.</summary>
    public int Demand => Volatile.Read(ref _demand);

    /// <summary>PBKDF2 runs started under this gate so far (a derivation dropped before it started is not one).</summary>
    public long Run => Interlocked.Read(ref _run);

    /// <summary>True when at least as many derivations wait as can run at once: new handshakes must pay first.</summary>
    public bool Overloaded => Demand >= 2 * slots;

    public async Task WaitAsync()
    {
        Interlocked.Increment(ref _demand);
        try
        {
            await _slots.WaitAsync().ConfigureAwait(false);
        }
        catch
        {
            Interlocked.Decrement(ref _demand);
            throw;
        }
    }

    /// <summary>A derivation holding a slot is about to run PBKDF2.</summary>
    public void CountRun() => Interlocked.Increment(ref _run);

    public void Release()
    {
        _slots.Release();
        Interlocked.Decrement(ref _demand);
    }

    public void Dispose() => _slots.Dispose();
}
