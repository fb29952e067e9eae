using SecureChat.Engine.Session;

namespace SecureChat.Engine.Transport;

/// <summary>
/// Runs one link's costly session steps outside its lock: the handshake key pair (precomputed while the reader
/// waits), PBKDF2 (under the server's bound on concurrent derivations; the reader awaits it, so nothing more is read
/// meanwhile), and the rekey exponentiations (on the thread pool, never on the caller's thread, which may be a UI).
/// Each result is handed back to the session under the lock. Thread-safe.
/// </summary>
/// <param name="rekeyJobRun">Told each time a rekey job runs (the hub counts its rekey exponentiations); may be null.</param>
internal sealed class LinkJobs(object gate, SecureSession session, DerivationGate? derivationGate, Action<Action<SecureSession>> runLocked, Action? rekeyJobRun = null)
{
    private readonly object _gate = gate;
    private readonly SecureSession _session = session;
    private readonly DerivationGate? _derivationGate = derivationGate;

    /// <summary>
    /// While the reader would otherwise just wait for the peer, generates the key pair the handshake needs next
    /// (outside the lock, so the writer can send the hello meanwhile). Takes key generation off the critical path.
    /// </summary>
    public void PrecomputeKeyPair()
    {
        KeyPairJob? job;
        lock (_gate)
        {
            job = _session.BeginKeyPairPrecomputation();
        }

        if (job is not null)
        {
            using (job) // wipes the pair if the session did not take it
            {
                job.Run();
                lock (_gate)
                {
                    _session.CompleteKeyPairPrecomputation(job);
                }
            }
        }
    }

    /// <summary>
    /// Runs PBKDF2 outside the lock (so snapshots, sends to other links, timeouts and shutdown never wait for it),
    /// under the server's bound on concurrent derivations. The reader awaits it, so nothing more is read meanwhile.
    /// </summary>
    /// <param name="peerLeft">Asked once a derivation slot is free: a derivation whose peer has gone is dropped before it starts.</param>
    public async Task DeriveKeysAsync(Func<bool> peerLeft)
    {
        if (_derivationGate is not null)
        {
            await _derivationGate.WaitAsync().ConfigureAwait(false);
        }

        try
        {
            KeyDerivationJob? job = null;
            if (peerLeft())
            {
                runLocked(s => s.PeerDisconnected());
                return;
            }

            lock (_gate)
            {
                if (_session.KeyDerivationReady)
                {
                    job = _session.BeginKeyDerivation();
                }
            }

            if (job is null)
            {
                return;
            }

            _derivationGate?.CountRun();
            try
            {
                job.Run();
            }
            catch
            {
                job.Dispose();
                throw;
            }

            runLocked(s => s.CompleteKeyDerivation(job));
        }
        finally
        {
            _derivationGate?.Release();
        }
    }

    /// <summary>Runs a rekey job on the thread pool and hands its result back under the lock.</summary>
    public void RunRekeyJob(RekeyJob job) => _ = Task.Run(() =>
    {
        try
        {
            rekeyJobRun?.Invoke();
            job.Run();
        }
        catch
        {
            job.Dispose(); // its key pair and chain key are wiped even when the exponentiation fails
            throw;
        }

        runLocked(s => s.CompleteRekeyJob(job));
    });
}
