using SecureChat.Engine.Identity;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session.Handshake;

/// <summary>
/// One step of a handshake: the message it expects next and only what it needs to consume it (rustls's
/// <c>ExpectServerHello</c> style, so no state holds fields it cannot use). <see cref="Consume"/> checks the message
/// into locals first and returns the next state, or a <see cref="HandshakeFailed"/> that leaves nothing changed but
/// the failure; the old state is disposed by the session once it has been replaced. Not thread-safe.
/// </summary>
internal abstract class HandshakeState : IDisposable
{
    /// <summary>The stage the session shows while in this state.</summary>
    public abstract SessionStage Stage { get; }

    /// <summary>The frame this state waits for; <see langword="null"/> while it waits for a job instead.</summary>
    public abstract FrameType? Expected { get; }

    /// <summary>True when <paramref name="type"/> is a frame this state consumes (usually just <see cref="Expected"/>).</summary>
    public virtual bool Expects(byte type) => Expected is { } expected && type == (byte)expected;

    /// <summary>Consumes the expected frame (<paramref name="frame"/> is header and body).</summary>
    public virtual HandshakeState Consume(ReadOnlySpan<byte> frame, HandshakeContext context) =>
        throw new InvalidOperationException($"{GetType().Name} consumes no frame");

    /// <summary>Consumes the expected sealed handshake record (ServerAuth, ClientAuth), already opened.</summary>
    public virtual HandshakeState ConsumeRecord(FrameType type, ReadOnlySpan<byte> plaintext, HandshakeContext context) =>
        throw new InvalidOperationException($"{GetType().Name} consumes no record");

    public virtual void Dispose()
    {
    }

    protected static HandshakeState Fail(FailureReason reason, AlertCode alert, string? detail = null, uint alertDetail = 0) =>
        new HandshakeFailed(SessionFailure.Create(reason, detail), alert, alertDetail);

    protected static HandshakeState Violation(string detail) => Fail(FailureReason.ProtocolViolation, AlertCode.ProtocolError, detail);

    /// <summary>A nonce followed by a public value of the wrong length is a bad key; anything shorter is malformed.</summary>
    protected static HandshakeState RejectKeyShare(ReadOnlySpan<byte> body, string detail) => body.Length > WireFormat.NonceSize
        ? Fail(FailureReason.InvalidPublicKey, AlertCode.HandshakeFailed)
        : Violation(detail);
}

/// <summary>
/// A state whose next step needs a Diffie-Hellman key pair of <see cref="Group"/>, which a driver may precompute
/// while the session waits for the peer (<see cref="HandshakeDriver.BeginKeyPairPrecomputation"/>).
/// </summary>
internal abstract class KeyPairSlotState(DhGroup group) : HandshakeState
{
    public DhGroup Group => group;

    /// <summary>True once a precomputation job was handed out (at most one per state).</summary>
    public bool Requested { get; set; }

    public DhKeyPair? KeyPair { get; set; }

    /// <summary>The precomputed pair if it is of <paramref name="needed"/>, else a new one; the slot is emptied.</summary>
    public DhKeyPair TakeKeyPair(HandshakeContext context, DhGroup needed)
    {
        DhKeyPair pair = context.TakeOrGenerateKeyPair(KeyPair, needed);
        KeyPair = null;
        return pair;
    }

    public override void Dispose()
    {
        KeyPair?.Dispose();
        KeyPair = null;
    }
}

/// <summary>
/// Terminal: the handshake failed; the session reports <see cref="Failure"/> and sends <see cref="Alert"/>. A client
/// that was answered with a puzzle ends here too, holding the <see cref="Puzzle"/> to solve before it reconnects.
/// </summary>
internal sealed class HandshakeFailed(SessionFailure failure, AlertCode? alert, uint alertDetail, PuzzleMessage? puzzle = null) : HandshakeState
{
    public SessionFailure Failure { get; } = failure;

    public PuzzleMessage? Puzzle { get; } = puzzle;

    public AlertCode? Alert { get; } = alert;

    public uint AlertDetail { get; } = alertDetail;

    public override SessionStage Stage => SessionStage.Failed;

    public override FrameType? Expected => null;
}

/// <summary>
/// Terminal: both sides proved they hold the keys (already in the record layer) and who they are: the session is
/// secure with <see cref="Peer"/>, trusted as <see cref="Trust"/>.
/// </summary>
internal sealed class HandshakeComplete(PeerIdentity peer, TrustState trust) : HandshakeState
{
    public PeerIdentity Peer { get; } = peer;

    public TrustState Trust { get; } = trust;

    public override SessionStage Stage => SessionStage.Secure;

    public override FrameType? Expected => null;
}
