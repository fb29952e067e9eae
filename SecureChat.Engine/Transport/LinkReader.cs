using SecureChat.Engine.Chat;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Transport;

/// <summary>
/// The receive side of one <see cref="Link"/>, as its <see cref="Connection"/>'s read loop drives it: bytes from the
/// socket into the session (under the link's lock), how much the reader may read while received events wait
/// (<see cref="ChatOptions.ReceiveQueueLimit"/>), and the handshake's costly steps run between reads (key-pair
/// precomputation and PBKDF2, see <see cref="LinkJobs"/>). Thread-safe: the read loop calls it, other threads only
/// read <see cref="Deriving"/> and <see cref="DerivationStarted"/>.
/// </summary>
/// <param name="writeBeforeDeriving">
/// A client (no derivation gate) sends what precedes its derivation first: its Reveal is what lets the server start
/// deriving. A server's derivation comes after everything an honest client needs, and takes its place in the gate's
/// queue at once.
/// </param>
internal sealed class LinkReader(Link link, object gate, SecureSession session, ChatChannel chat, LinkEvents events, LinkJobs jobs, LinkOutput output, LinkTimers timers, ChatOptions options, bool writeBeforeDeriving, EventQueue? operatorQueue = null, PartBudget? partBudget = null)
{
    /// <summary>
    /// The most memory queued events hold per byte read: a record of 69 bytes (the smallest) carries at most 15 bytes
    /// of plaintext, counted as 128 + 2 x 14; larger records at most 2 per byte (UTF-16).
    /// </summary>
    internal const int ReceiveCostPerByte = 3;

    /// <summary>The smallest read once the receive queue is nearly full, so a link is never read one byte at a time.</summary>
    internal const int MinRead = 4096;

    /// <summary>The hex of the peer's identity digest once known: how the operator's queue names this link's messages.</summary>
    private string? _senderKey;

    /// <summary>The longest a derivation waits for the writer to send what precedes it (a stalled socket must not hold it).</summary>
    private static readonly TimeSpan s_writeBeforeDerivationMax = TimeSpan.FromMilliseconds(100);

    /// <summary>What this link's pending Parts held when last reported to the hub's <see cref="PartBudget"/> (under the link's lock).</summary>
    private long _partsReported;

    private volatile bool _deriving;
    private volatile bool _derivationStarted;

    /// <summary>This side derives keys now (queued for or running PBKDF2): it owes the peer nothing meanwhile.</summary>
    public bool Deriving => _deriving;

    /// <summary>This side has begun deriving keys for the peer (queued for or running PBKDF2, or past it).</summary>
    public bool DerivationStarted => _derivationStarted;

    /// <summary>Feeds bytes from the socket (or its end, when <paramref name="data"/> is empty); true when the session ended.</summary>
    public bool OnReceived(ReadOnlySpan<byte> data, out bool derivationPending)
    {
        bool ended;
        lock (gate)
        {
            if (session.IsEnded)
            {
                // Ended before it started (refused at admission) or while this read was under way: the bytes are
                // discarded like everything the linger reads, and the writer still sends the Alert or Close.
            }
            else if (data.IsEmpty)
            {
                session.PeerDisconnected();
            }
            else
            {
                long acks = session.Acks.Sent;
                session.Receive(data);
                if (session.Acks.Sent != acks)
                {
                    output.AcksSent(session.Acks.Sent - acks);
                }

                output.HoldAckLocked(link);
            }

            ReportPartsLocked();

            derivationPending = session.KeyDerivationPending;
            _deriving = derivationPending;
            _derivationStarted |= derivationPending;
            link.CollectLocked();
            ended = session.IsEnded;
        }

        output.Send(OutputRoute.OwnLink);
        return ended;
    }

    /// <summary>
    /// Under the link's lock: tells the hub's <see cref="PartBudget"/> how much this link's pending Parts hold now
    /// (nothing once the session ended: a Close or a lost link discards them).
    /// </summary>
    internal void ReportPartsLocked()
    {
        if (session.IsEnded)
        {
            chat.DiscardParts();
        }

        long now = chat.PendingPartBytes;
        partBudget?.Change(link, now - _partsReported);
        _partsReported = now;
    }

    /// <summary>
    /// True when the link's received events hold more than <see cref="ChatOptions.ReceiveQueueLimit"/>, or on a hub the
    /// operator's events do and some of them are this link's (<see cref="EventQueue.Full"/>): the reader reads nothing more until <paramref name="room"/>
    /// completes (TCP then holds the peer back). Likewise on a hub while all links' pending Parts hold more than
    /// their bound and this link holds some (<see cref="PartBudget"/>).
    /// </summary>
    public bool ReceiveQueueFull(out Task room) =>
        events.Full(out room) || (operatorQueue is not null && operatorQueue.Full(SenderKey(), out room))
        || PartsOverBound(out room);

    /// <summary>Hub: true while all links' pending Parts hold more than their bound and this link holds some (<see cref="PartBudget"/>).</summary>
    public bool PartsOverBound(out Task room)
    {
        room = Task.CompletedTask;
        return partBudget is not null && Volatile.Read(ref _partsReported) > 0 && partBudget.Over(out room);
    }

    private string? SenderKey() => _senderKey ??= link.Peer is { } peer ? Convert.ToHexString(peer.Digest) : null;

    /// <summary>
    /// How many bytes the reader may read next (at most <paramref name="max"/>): the events of one read hold at most
    /// <see cref="ReceiveCostPerByte"/> times its size, so a read never takes the queue far past its limit.
    /// </summary>
    public int ReadAllowance(int max) =>
        (int)Math.Clamp((options.ReceiveQueueLimit - events.QueuedBytes) / ReceiveCostPerByte, Math.Min(MinRead, max), max);

    /// <summary>Generates the key pair the handshake needs next while the reader would otherwise wait (see <see cref="LinkJobs"/>).</summary>
    public void PrecomputeKeyPair() => jobs.PrecomputeKeyPair();

    /// <summary>Runs PBKDF2 outside the lock under the server's concurrency gate (see <see cref="LinkJobs"/>).</summary>
    public async Task DeriveKeysAsync()
    {
        try
        {
            // The message that lets the peer start its own derivation (the client's Reveal) goes out first: once this
            // side's PBKDF2 holds a core, the writer would wait for the other one, and so would the peer's derivation.
            Task written = writeBeforeDeriving ? output.OutputWritten() : Task.CompletedTask;
            if (!written.IsCompleted)
            {
                await Task.WhenAny(written, Task.Delay(s_writeBeforeDerivationMax, options.Time)).ConfigureAwait(false);
            }

            await jobs.DeriveKeysAsync(() => output.Connection?.PeerLeft() != false).ConfigureAwait(false);
        }
        finally
        {
            _deriving = false;
            timers.StepBegan();
        }
    }
}
