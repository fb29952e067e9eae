using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session.Trust;

namespace SecureChat.Engine.Session;

/// <summary>Everything a <see cref="SecureSession"/> needs besides the bytes. Immutable.</summary>
internal sealed record SessionSettings
{
    public required SessionRole Role { get; init; }

    /// <summary>
    /// The smallest group this side accepts. A client offers it and every larger group; a server picks the
    /// first of (its own group, then larger ones) that the client offered.
    /// </summary>
    public DhGroupId Group { get; init; } = DhGroupId.Ffdhe2048;

    /// <summary>Server: the PBKDF2 count it uses (never the client's choice). Client: the minimum it accepts.</summary>
    public int Iterations { get; init; } = WireFormat.IterationsDefault;

    /// <summary>The largest PBKDF2 count this side accepts (a server's own count must not exceed it either).</summary>
    public int MaxIterations { get; init; } = WireFormat.IterationsMaxDefault;

    /// <summary>UTF-8 bytes of the optional shared passphrase (empty for none). Owned by the caller.</summary>
    public byte[] Passphrase { get; init; } = [];

    /// <summary>
    /// Client without a passphrase: send the Commit for the first group offered right behind the ClientHello, one
    /// round trip fewer (PROTOCOL.md 3.5). Off only to test servers against clients that do not.
    /// </summary>
    public bool EarlyCommit { get; init; } = true;

    /// <summary>Key pairs made ahead of need (see <see cref="KeyPairReserve"/>); null makes each when it is needed.</summary>
    internal KeyPairReserve? KeyPairs { get; init; }

    /// <summary>This side's long-term identity, which signs the handshake. Defaults to a throwaway one.</summary>
    public ISigner Identity { get; init; } = new EphemeralSigner();

    /// <summary>The display name sent in ServerAuth/ClientAuth (1-64 bytes of UTF-8).</summary>
    public string Name { get; init; } = "anonymous";

    /// <summary>
    /// Asked once the peer proved its identity, before this side sends anything more: accept (with the trust to
    /// show) or refuse. Null accepts every identity as new.
    /// </summary>
    public IPeerTrust? PeerTrust { get; init; }

    /// <summary>Client: the ClientHello nonce (null: a fresh one); a retry after a Puzzle must reuse the first one.</summary>
    public byte[]? HelloNonce { get; init; }

    /// <summary>Client: the answer to the server's puzzle, sent in the ClientHello of the retry.</summary>
    public PuzzleSolution? PuzzleSolution { get; init; }

    /// <summary>Server: decides, on each ClientHello, whether to proceed or answer with a puzzle. Null: always proceed.</summary>
    public IHelloGate? HelloGate { get; init; }

    /// <summary>A sealed heartbeat is sent after this long without sending anything.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = WireFormat.HeartbeatInterval;

    /// <summary>A secure peer silent for this long is dropped as timed out.</summary>
    public TimeSpan IdleTimeout { get; init; } = WireFormat.IdleTimeout;

    /// <summary>
    /// The shortest time between two rekeys on a link. This side never starts one sooner; a peer's RekeyInit that
    /// comes sooner than half of it after the last rekey ended fails the session.
    /// </summary>
    public TimeSpan RekeyMinInterval { get; init; } = WireFormat.RekeyMinInterval;

    public long RekeyAfterRecords { get; init; } = WireFormat.RekeyAfterRecords;

    public TimeSpan RekeyAfterTime { get; init; } = WireFormat.RekeyAfterTime;

    public IRandomSource Random { get; init; } = SystemRandom.Instance;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The groups a client offers, and a server prefers, in order: its own, then every larger one.</summary>
    public IEnumerable<DhGroup> AcceptableGroups()
    {
        int own = DhGroup.Get(Group).ElementSize;
        return DhGroup.All.Where(g => g.ElementSize >= own).OrderBy(g => g.ElementSize);
    }
}
