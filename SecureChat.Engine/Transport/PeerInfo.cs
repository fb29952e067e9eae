using SecureChat.Engine.Identity;
using System.Net;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Session;
using SecureChat.Engine.Session.Trust;

namespace SecureChat.Engine.Transport;

/// <summary>
/// A snapshot of one connection: who, where, and how far its handshake got. <see cref="RemoteEndPoint"/> is an
/// <see cref="IPEndPoint"/> once TCP is up (a <see cref="DnsEndPoint"/> while a client is still connecting). Immutable.
/// </summary>
public sealed record PeerInfo(
    int Id,
    EndPoint RemoteEndPoint,
    string Name,
    SessionStage Stage,
    string? Fingerprint,
    string? Sas,
    DhGroupId? Group)
{
    /// <summary>The fingerprint of the long-term identity the peer proved in the handshake, once secure.</summary>
    public string? Identity { get; init; }

    /// <summary>The peer's 32-byte Ed25519 identity public key, once secure (for the trust store).</summary>
    public byte[]? IdentityKey { get; init; }

    /// <summary>How far this side trusts <see cref="Identity"/> (new, known, verified), once secure.</summary>
    public TrustState? Trust { get; init; }

    /// <summary>Client, at <see cref="SessionStage.WaitingToRetry"/>: which retry the client waits for, and how long.</summary>
    public BusyRetry? Retry { get; init; }

    /// <summary>Keys are confirmed (also while a rekey runs): messages flow.</summary>
    public bool IsSecure => Stage is SessionStage.Secure or SessionStage.Rekeying;

    /// <summary>Still in the handshake: neither secure nor ended.</summary>
    public bool IsHandshaking => Stage is SessionStage.Connecting or SessionStage.SolvingPuzzle or SessionStage.WaitingToRetry
        or SessionStage.Connected or SessionStage.ExchangingKeys or SessionStage.DerivingKey or SessionStage.Confirming;

    /// <summary>Closed or failed: nothing more will happen on this link.</summary>
    public bool IsEnded => Stage is SessionStage.Closed or SessionStage.Failed;
}
