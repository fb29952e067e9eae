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
