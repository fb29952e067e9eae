using SecureChat.Engine.Session;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session.Trust;

namespace SecureChat.Engine.Transport;

/// <summary>How a <see cref="ChatClient"/> or <see cref="ChatServer"/> behaves. Immutable.</summary>
public sealed record ChatOptions
{
    /// <summary>Smallest PBKDF2 iteration count anyone may configure (also the default).</summary>
    /// <summary>The hardest puzzle, in bits, a server may ask for and a client solves (PROTOCOL.md 3.3).</summary>
    public const int MaxPuzzleDifficulty = WireFormat.PuzzleDifficultyMax;

    /// <summary>The most members a client keeps track of on a hub (PROTOCOL.md 4.2): a server announcing more ends the session.</summary>
    public const int MaxMembers = WireFormat.MembersMax;

    public const int MinimumIterations = WireFormat.IterationsDefault;

    /// <summary>Largest PBKDF2 iteration count anyone may configure, as a count or as a maximum.</summary>
    public const int MaximumIterations = WireFormat.IterationsCeiling;

    /// <summary>The default largest PBKDF2 count a client accepts from a server.</summary>
    public const int DefaultMaxIterations = WireFormat.IterationsMaxDefault;

    /// <summary>Largest chat message, in UTF-8 bytes.</summary>
    public const int MaxMessageBytes = WireFormat.ChatTextMax;

    /// <summary>
    /// True when <paramref name="text"/> fits in one chat message: well-formed UTF-16 (no lone surrogate) of at
    /// most <see cref="MaxMessageBytes"/> bytes of UTF-8. The same rule the engine applies when sealing.
    /// </summary>
    public static bool IsValidMessage(string text) => RecordPayload.TryGetUtf8Length(text, out int length) && length <= MaxMessageBytes;

    /// <summary>
    /// True when <paramref name="name"/>, once in NFC, is a valid display name (<see cref="NameRules"/>: 1 to 32 visible
    /// characters, at most <see cref="NameRules.NameMax"/> bytes of UTF-8, nothing invisible, nothing that looks like a notice).
    /// </summary>
    public static bool IsValidName(string name) => NameRules.TryValidate(name, out _, out _);

    /// <summary>
    /// Client: when the link is lost, connect again after a pause (1 s doubling to 60 s, with jitter) with the same
    /// identity and enter the same rooms, until stopped. Off: the client is done when its link ends.
    /// </summary>
    public bool Reconnect { get; init; }

    /// <summary>Client: the rooms to enter on every connect besides <see cref="ChatEndpoint.Lobby"/> (room names, <c>#name</c>).</summary>
    public IReadOnlyList<string> Rooms { get; init; } = [];

    /// <summary>The display name sent to peers; empty means "Client" or "Server" by role.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The smallest Diffie-Hellman group accepted (larger ones are offered and accepted too).</summary>
    public DhGroupId Group { get; init; } = DhGroupId.Ffdhe2048;

    /// <summary>PBKDF2 iterations: the count a server uses (never the client's choice), and the least a client accepts.</summary>
    public int Iterations { get; init; } = MinimumIterations;

    /// <summary>The largest PBKDF2 count a client accepts from a server (and a server's own count may not exceed it).</summary>
    public int MaxIterations { get; init; } = DefaultMaxIterations;

    /// <summary>This side's long-term identity (signs every handshake); null uses a throwaway one for this process.</summary>
    public ISigner? Identity { get; init; }

    /// <summary>
    /// The trust store's check of a peer's proven identity, given where the peer is (client: "host:port" of the
    /// server; server: the client's address): accept with the trust to show, or refuse. Null accepts every identity.
    /// </summary>
    public Func<string, PeerIdentity, IdentityVerdict>? CheckPeerIdentity { get; init; }

    /// <summary>
    /// Client: the trust store's check of the server's proven identity, given every name the server was reached
    /// under: the "host:port" as typed, then the "address:port" the connection went to (canonical, see
    /// <see cref="Identity.KnownServers.Endpoint(System.Net.IPEndPoint)"/>). Used instead of
    /// <see cref="CheckPeerIdentity"/> when set.
    /// </summary>
    public Func<IReadOnlyList<string>, PeerIdentity, IdentityVerdict>? CheckServerIdentity { get; init; }

    /// <summary>
    /// Server: gives a joining or renaming member a display name, given the name asked for, the member's identity
    /// public key and a test for names in use by other connected members; returns the name granted (the one asked
    /// for, or another when it belongs to another identity). Null: names are only unique among those connected.
    /// </summary>
    public Func<string, byte[], Func<string, bool>, string>? ClaimName { get; init; }

    /// <summary>
    /// Server: asked before the operator takes a new name (<see cref="ChatServer.ChangeName"/>): true when the name
    /// belongs to another identity, which refuses the change. Null: only connected peers' names are checked.
    /// </summary>
    public Func<string, bool>? IsNameOwnedByOther { get; init; }

    /// <summary>Server: told the operator's new name once taken, so that it stays reserved for the operator. May be null.</summary>
    public Action<string>? OperatorNameTaken { get; init; }

    /// <summary>
    /// Server: the identity public key that owns a name in the server's name registry, or null when nobody does; lets
    /// a room operator ban or unban someone who is not connected by the name they used. Null: only connected members'
    /// names resolve.
    /// </summary>
    public Func<string, byte[]?>? NameOwner { get; init; }

    /// <summary>Server: where room bans are kept across restarts (the <c>bans</c> file of the config directory); null keeps them in memory.</summary>
    public Hub.RoomBanFile? Bans { get; init; }

    /// <summary>A sealed heartbeat is sent after this long without sending anything.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = WireFormat.HeartbeatInterval;

    /// <summary>A secure peer silent (not even a heartbeat) for this long is dropped as timed out.</summary>
    public TimeSpan IdleTimeout { get; init; } = WireFormat.IdleTimeout;

    /// <summary>The shortest time between two rekeys on one link.</summary>
    public TimeSpan RekeyMinInterval { get; init; } = WireFormat.RekeyMinInterval;

    /// <summary>UTF-8 bytes of an optional passphrase both sides know (empty for none). Not copied.</summary>
    public byte[] Passphrase { get; init; } = [];

    /// <summary>Most <see cref="BusyRetries"/> anyone may configure.</summary>
    public const int MaxBusyRetries = 16;

    /// <summary>
    /// Client: how many times to connect again when the server refuses the connection before its hello as busy or as
    /// too many handshakes from this address (Alert ServerBusy or RateLimited), each time a new connection with fresh
    /// nonces, after a pause that doubles from <see cref="BusyRetryDelay"/> (at most eight times it), each drawn at
    /// random between half and all of it so refused clients do not come back together. Never after the hello, never
    /// on another refusal. Zero: give up at the first. Default 4 (pauses of up to 0.25, 0.5, 1 and 2 s).
    /// </summary>
    public int BusyRetries { get; init; } = 4;

    /// <summary>Client: the first pause before connecting again after a busy refusal (see <see cref="BusyRetries"/>). Default 250 ms.</summary>
    public TimeSpan BusyRetryDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>A connection that is not secure this long after TCP came up is closed.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Server: most connections in the handshake at once; more are refused as busy.</summary>
    public int MaxHandshakes { get; init; } = 256;

    /// <summary>Server: most connections from one address in the handshake at once (OpenSSH's PerSourceMaxStartups).</summary>
    public int HandshakesPerSource { get; init; } = 16;

    /// <summary>
    /// Server: random early drop (OpenSSH's MaxStartups start:rate:full, with full = <see cref="MaxHandshakes"/>):
    /// from this many connections in the handshake, a new one is refused with probability
    /// <see cref="EarlyDropPercent"/>%, rising linearly to 100% at the full bound.
    /// </summary>
    public int EarlyDropStart { get; init; } = 64;

    public int EarlyDropPercent { get; init; } = 30;

    /// <summary>Server: a connection in the handshake that sends nothing for this long while it is its turn is dropped.</summary>
    public TimeSpan HandshakeStepTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Server: when to ask for a proof of work before a handshake (default: under load only).</summary>
    public PuzzleMode Puzzle { get; init; } = PuzzleMode.Auto;

    /// <summary>Server: leading zero bits a puzzle answer needs (2^18 hashes, about one PBKDF2 of work).</summary>
    public int PuzzleBits { get; init; } = 18;

    /// <summary>
    /// Server: after a failed key confirmation (or a client leaving once it could know the passphrase guess was
    /// wrong), how long its address must solve puzzles, one bit harder per further failure. Zero turns it off.
    /// </summary>
    public TimeSpan ConfirmationPenalty { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Server, with a passphrase: failed key confirmations a minute over all sources (a token bucket of that size)
    /// before new connections are refused as busy, except from networks where a client proved the passphrase within
    /// <see cref="ConfirmationPenalty"/> (see <see cref="ConfirmationBudget"/>). Zero: no server-wide budget. Default 30.
    /// </summary>
    public int FailedConfirmations { get; init; } = 30;

    /// <summary>Server: handshakes one address may start per second (bursts of twice that) before it must solve puzzles.</summary>
    public double HandshakeRate { get; init; } = 10;

    /// <summary>Server: most PBKDF2 derivations running at once (the costly step); default: one per core.</summary>
    public int MaxDerivations { get; init; } = Environment.ProcessorCount;

    /// <summary>Server: most peers connected at once (handshaking or secure).</summary>
    public int MaxPeers { get; init; } = 4096;

    /// <summary>
    /// Server: most peers connected at once (handshaking or secure) from one source prefix (<see cref="SourcePrefix"/>:
    /// an address's /24, or /64 for IPv6), so one machine or network cannot take every slot of <see cref="MaxPeers"/>
    /// with identities that cost nothing. Default 64.
    /// </summary>
    public int PeersPerSource { get; init; } = 64;

    /// <summary>Bytes sealed for a peer but not yet written to its socket before a local send waits.</summary>
    public int SendBufferLimit { get; init; } = 1 << 20;

    /// <summary>
    /// A peer's output budget: bytes of any record type (chat, relayed chat, presence, nick, rekey, close) queued for
    /// a peer and not yet written to its socket, at which the hub drops the peer as too slow rather than queue more
    /// (one record may pass it). Default 8 MiB.
    /// </summary>
    public int PeerOutput { get; init; } = 8 << 20;

    /// <summary>
    /// Server: the server-wide output budget, unsent bytes over all peers together. While it is spent, a record for a
    /// peer holding <see cref="FairShare"/> or more unsent is given only on room lent against peers chosen
    /// to be dropped as too slow (their bytes count until their links are gone; at most half of
    /// <see cref="PeerOutput"/> is lent at once): a stalled one before any other, else the largest holder of the
    /// source prefix holding the most, which may be that peer itself (see <see cref="ServerOutputBudget"/>).
    /// Default 64 MiB.
    /// </summary>
    public long ServerOutput { get; init; } = 64L << 20;

    /// <summary>
    /// What one link's received events (chat, names, presence) may hold in memory while they wait to be raised: past
    /// it, nothing more is read from the peer until they hold half of it (TCP holds the sender back; nothing is lost
    /// and nobody is dropped). A message's text counts twice its length (UTF-16) plus 128 bytes. Default 64 KiB.
    /// </summary>
    public int ReceiveQueueLimit { get; init; } = 64 << 10;

    /// <summary>
    /// Server: what all links' pending Parts (the first bytes of an MLS payload longer than a record, PROTOCOL.md 4.1.1)
    /// may hold together: while they hold more, the links holding pending Parts are not read from (TCP holds those
    /// peers back; nothing is lost) until assembled records have been handled. At least one whole payload
    /// (<see cref="WireFormat.MlsPayloadMax"/>), so one link alone never waits. Default 128 MiB.
    /// </summary>
    public long PendingParts { get; init; } = 128L << 20;

    /// <summary>
    /// Server: how long all links' pending Parts may stay over <see cref="PendingParts"/> before the links holding the
    /// most are closed (Close 8, <see cref="Session.FailureReason.PartsStalled"/>), largest first, until the others' fit: links that never complete
    /// their Parts cannot hold the other links' long payloads back for ever (PROTOCOL.md 4.1.1). Default 30 s.
    /// </summary>
    public TimeSpan PendingPartsTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Server: how long an identity whose last link dropped stays in its rooms as away (PROTOCOL.md 4.8,
    /// <c>AwayMax</c>); past it, it is removed from every room at once. Default 7 days.
    /// </summary>
    public TimeSpan AwayMax { get; init; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Server: the <c>mls</c> bytes kept for an away member per room (PROTOCOL.md 4.8, <c>AwayQueueBytes</c>); past it,
    /// the member is removed from the room (<c>missed too much</c>) and what was kept for it there dropped. Default 4 MiB.
    /// </summary>
    public long AwayQueueBytes { get; init; } = 4L << 20;

    /// <summary>
    /// Server: the backlog at or past which a peer may be dropped while the server-wide budget is spent. At least one
    /// record (16,453 bytes). Default 64 KiB.
    /// </summary>
    public int FairShare { get; init; } = 64 << 10;

    /// <summary>
    /// A write to the socket that makes no progress for this long ends the link (the peer is failed as too slow and
    /// its socket aborted), so a stalled peer's socket and buffers are released even under its budget. Checked on
    /// each tick, so the release comes within this plus <see cref="TickInterval"/>. Default 30 s.
    /// </summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Server: name changes a peer may make at once (its first name included) before the rate applies. Default 5.</summary>
    public int NickBurst { get; init; } = 5;

    /// <summary>
    /// Server: after the burst, one more name change per this interval; a faster one is refused (the peer is told,
    /// Presence refused, and keeps its name and its connection). Default 5 s.
    /// </summary>
    public TimeSpan NickInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Server: Nick records a peer may send at once, refused ones included, before <see cref="NickFloodInterval"/>
    /// applies; past it the peer is dropped (protocol violation). Far beyond what a person types: refusing costs the
    /// hub one small record per Nick, and this bounds even that. Default 20.
    /// </summary>
    public int NickFloodBurst { get; init; } = 20;

    /// <summary>Server: after <see cref="NickFloodBurst"/>, one more Nick record per this interval. Default 1 s.</summary>
    public TimeSpan NickFloodInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Server: room requests (join, part, list, topic, moderation) a member may send at once before
    /// <see cref="RequestInterval"/> applies; past it the hub answers RateLimited, and ten times the rate ends the
    /// session (PROTOCOL.md section 8). Default 20.
    /// </summary>
    public int RequestBurst { get; init; } = 20;

    /// <summary>Server: after <see cref="RequestBurst"/>, one more room request per this interval. Default 250 ms.</summary>
    public TimeSpan RequestInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Server: the longest a presence notice (joined, left, renamed) waits to be sent, so that those of this time reach
    /// each member in one socket write (see <see cref="PresenceFlusher"/>); chat never waits for it. Zero sends each at
    /// once. Default 250 ms.
    /// </summary>
    public TimeSpan PresenceDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Server: the longest an acknowledgement (PROTOCOL.md 4.7) waits for other output to the same member, to go out in
    /// the same socket write (see <see cref="AckFlusher"/>); an Ack after a heartbeat never waits. Zero sends each at
    /// once. Default 5 ms.
    /// </summary>
    public TimeSpan AckDelay { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>For benchmarks only: lets <see cref="Iterations"/> go below <see cref="MinimumIterations"/> (never for real use).</summary>
    internal bool AllowWeakIterationsForBenchmark { get; init; }

    /// <summary>Records sent under one set of keys before a rekey starts by itself.</summary>
    public long RekeyAfterRecords { get; init; } = WireFormat.RekeyAfterRecords;

    /// <summary>Time under one set of keys before a rekey starts by itself (checked on each tick and each send).</summary>
    public TimeSpan RekeyAfterTime { get; init; } = WireFormat.RekeyAfterTime;

    /// <summary>How often a secure link's timers are checked (rekey by age, heartbeats, the idle limit).</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The clock for deadlines and timers (tests substitute a manual one).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// The configuration directory whose <c>groups/</c> keeps this side's MLS groups and key packages between runs
    /// (PROTOCOL.md 4.9), sealed under a key of <see cref="Identity"/>; null keeps them in memory for this process only.
    /// </summary>
    public Identity.ConfigDirectory? GroupDirectory { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> with a one-line message when a setting is out of range.</summary>
    public void Validate()
    {
        if (MaxIterations is < MinimumIterations or > MaximumIterations)
        {
            throw new ArgumentException($"the maximum iteration count must be between {MinimumIterations:N0} and {MaximumIterations:N0}");
        }

        if ((Iterations < MinimumIterations && !(AllowWeakIterationsForBenchmark && Iterations >= 1)) || Iterations > MaxIterations)
        {
            throw new ArgumentException($"iterations must be between {MinimumIterations:N0} and the maximum, {MaxIterations:N0}");
        }

        if (!Enum.IsDefined(Group))
        {
            throw new ArgumentException("unknown Diffie-Hellman group");
        }

        if (Name.Length > 0 && !NameRules.TryValidate(Name, out _, out string problem))
        {
            throw new ArgumentException(problem);
        }

        if (HandshakeTimeout <= TimeSpan.Zero || MaxHandshakes < 1 || MaxDerivations < 1 || MaxPeers < 1 || SendBufferLimit < 1 || PeerOutput < 1 || ReceiveQueueLimit < 1 || RekeyAfterRecords < 1 || TickInterval <= TimeSpan.Zero ||
            HeartbeatInterval <= TimeSpan.Zero || IdleTimeout <= HeartbeatInterval || RekeyMinInterval < TimeSpan.Zero ||
            HandshakesPerSource < 1 || PeersPerSource < 1 || FailedConfirmations < 0 || EarlyDropStart < 1 || EarlyDropPercent is < 0 or > 100 ||
            HandshakeStepTimeout <= TimeSpan.Zero || HandshakeRate <= 0 || ConfirmationPenalty < TimeSpan.Zero ||
            ServerOutput < 1 || WriteTimeout <= TimeSpan.Zero || NickBurst < 1 || NickInterval <= TimeSpan.Zero || NickFloodBurst < 1 || NickFloodInterval <= TimeSpan.Zero || RequestBurst < 1 || RequestInterval <= TimeSpan.Zero || AwayMax <= TimeSpan.Zero || PendingPartsTimeout <= TimeSpan.Zero || AwayQueueBytes < 1 || PresenceDelay < TimeSpan.Zero || AckDelay < TimeSpan.Zero)
        {
            throw new ArgumentException("limits must be positive");
        }

        if (PendingParts < WireFormat.MlsPayloadMax)
        {
            throw new ArgumentException($"the pending Parts bound must hold at least one MLS payload ({WireFormat.MlsPayloadMax:N0} bytes)");
        }

        if (FairShare < WireFormat.FrameHeaderSize + WireFormat.FrameBodyMax)
        {
            // Room is lent to a peer past its fair share one record at a time against peers holding at least the fair
            // share: below one record, one such peer could not cover one record.
            throw new ArgumentException($"the server output fair share must be at least one record ({WireFormat.FrameHeaderSize + WireFormat.FrameBodyMax:N0} bytes)");
        }

        if (BusyRetries is < 0 or > MaxBusyRetries || BusyRetryDelay <= TimeSpan.Zero || BusyRetryDelay > TimeSpan.FromMinutes(1))
        {
            throw new ArgumentException($"busy retries must be between 0 and {MaxBusyRetries}, their first pause positive and at most a minute");
        }

        if (PuzzleBits is < 1 or > WireFormat.PuzzleDifficultyMax)
        {
            throw new ArgumentException($"the puzzle difficulty must be between 1 and {WireFormat.PuzzleDifficultyMax} bits");
        }
    }
}
