namespace SecureChat.Engine.Transport;

/// <summary>
/// What every link of one endpoint shares: its options and, on a hub, the parts that serve all its links at once.
/// Immutable; the parts it names are thread-safe.
/// </summary>
/// <param name="Options">The endpoint's options (limits, timeouts, clock).</param>
internal sealed record LinkContext(ChatOptions Options)
{
    /// <summary>Hub: runs key derivations in turn (see <see cref="Transport.DerivationGate"/>); null derives on the link's own reader.</summary>
    public DerivationGate? DerivationGate { get; init; }

    /// <summary>Hub: the server-wide output budget every link's backlog counts against (see <see cref="ServerOutputBudget"/>).</summary>
    public ServerOutputBudget? ServerBudget { get; init; }

    /// <summary>Told each time one of a link's rekey exponentiation jobs runs (see <see cref="LinkJobs"/>).</summary>
    public Action? RekeyJobRun { get; init; }

    /// <summary>Hub: sends held presence notices in batches (see <see cref="Transport.PresenceFlusher"/>); null sends them at once.</summary>
    public PresenceFlusher? PresenceFlusher { get; init; }

    /// <summary>
    /// Hub: the operator's events; while more message text than its bound waits there (<see cref="EventQueue.Full"/>),
    /// the readers of the links whose messages wait there read no more. Null on a client.
    /// </summary>
    public EventQueue? OperatorQueue { get; init; }

    /// <summary>Hub: sends held acknowledgements once their delay passes (see <see cref="Transport.AckFlusher"/>); null seals each at once.</summary>
    public AckFlusher? AckFlusher { get; init; }

    /// <summary>Hub: the bound on what all links' pending Parts hold (see <see cref="PartBudget"/>); null on a client.</summary>
    public PartBudget? PartBudget { get; init; }

    /// <summary>Hub: sends the links' output (see <see cref="Transport.WriteScheduler"/>); null sends it on the thread that sealed it.</summary>
    public WriteScheduler? WriteScheduler { get; init; }
}
