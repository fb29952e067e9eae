namespace SecureChat.Engine.Protocol;

/// <summary>
/// Sizes, offsets and limits of the SecureChat v3 wire format (PROTOCOL.md). Every length a peer declares is
/// checked against these before anything of that size is allocated.
/// </summary>
internal static class WireFormat
{
    /// <summary>
    /// Protocol version 4 (rooms and direct conversations as MLS groups, the hub as their delivery service), the only
    /// one this implementation offers and accepts: a v3 peer's records mean something else, so the two never talk.
    /// </summary>
    public const ushort Version = 0x0004;

    /// <summary>ClientHello and ServerHello flag: a passphrase is used (the DH then runs on the CPace generator).</summary>
    public const byte FlagPassphrase = 0x01;

    /// <summary>
    /// ClientHello flag: the client's Commit for the first group it offers follows the ClientHello at once (never with
    /// a passphrase, whose generator needs the server's nonce); echoed in the ServerHello.
    /// </summary>
    public const byte FlagEarlyCommit = 0x02;

    /// <summary>Every flag this version defines; any other bit set is a protocol violation.</summary>
    public const byte FlagsKnown = FlagPassphrase | FlagEarlyCommit;

    /// <summary>Frame header: type (1 byte) || body length (4 bytes, big-endian).</summary>
    public const int FrameHeaderSize = 5;
    public const int FrameTypeOffset = 0;
    public const int FrameLengthOffset = 1;

    /// <summary>Largest record plaintext: 16 KiB, as in TLS.</summary>
    public const int RecordPlaintextMax = 16 * 1024;

    /// <summary>Largest sealed record body: IV + padded ciphertext + tag = 16 + 16400 + 32.</summary>
    public const int RecordBodyMax = 16 + (RecordPlaintextMax / 16 + 1) * 16 + 32;

    /// <summary>Largest body of any frame; a header declaring more fails the connection before any allocation.</summary>
    public const int FrameBodyMax = RecordBodyMax;

    public const int NonceSize = 32;
    public const int CommitmentSize = 32;
    public const int FinishedSize = 32;
    public const int IdentityKeySize = 32;
    public const int SignatureSize = 64;

    /// <summary>SHA-256 of an identity public key: how relayed records and presence name a person.</summary>
    public const int IdentityDigestSize = 32;

    /// <summary>A puzzle solution in a ClientHello: u32 window || u64 counter.</summary>
    public const int PuzzleSolutionSize = 12;

    /// <summary>
    /// The most other members a client keeps per room (joined and member notices, less those that left): 16,384, four
    /// times the reference server's default peer limit. A server announcing more ends the session; without a bound,
    /// a server could grow the client's member tables without end.
    /// </summary>
    public const int MembersMax = 16_384;

    /// <summary>The most rooms a client is in at once; a hub that puts it in more ends the session.</summary>
    public const int RoomsMax = 64;

    /// <summary>Largest room name in UTF-8 bytes (<c>#</c> included); a room field is empty or 2 to this many bytes.</summary>
    public const int RoomMax = 64;

    /// <summary>Largest text in a str8 field (a reason, a topic, a mode): what its length byte can say.</summary>
    public const int FieldTextMax = 255;

    /// <summary>
    /// The hardest puzzle a client agrees to solve, and a server may ask for: 2^20 hashes, under a second on a slow
    /// core (24 bits cost a client 12-23 s of CPU, for a server that wanted only to burn it).
    /// </summary>
    public const int PuzzleDifficultyMax = 20;
    public const int TranscriptHashSize = 32;

    /// <summary>Most versions or groups a ClientHello may list.</summary>
    public const int OfferListMax = 16;

    /// <summary>Largest sender name in a chat record or nick record, in UTF-8 bytes.</summary>
    public const int NameMax = 64;

    /// <summary>Most text elements (extended grapheme clusters, what a reader counts as characters) in a name in use (section 4.3).</summary>
    public const int NameTextElementsMax = 32;

    /// <summary>
    /// Largest chat text, 16,222 bytes of UTF-8, a member's to send and to show (PROTOCOL.md 4.9, 8): version 3's
    /// limit, kept so that a text is the same length whatever carries it.
    /// </summary>
    public const int ChatTextMax = RecordPlaintextMax - (1 + RoomMax) - IdentityDigestSize - (1 + NameMax);

    /// <summary>An MLS group's <c>group_id</c> on the wire (PROTOCOL.md 4.1): 16 bytes, chosen at random.</summary>
    public const int GroupIdSize = 16;

    /// <summary>
    /// The longest MLS payload a record carries once its Parts are prepended (PROTOCOL.md 4.1.1): 2 MiB, room for a
    /// Welcome with the ratchet tree of the largest group (about 300 bytes a member); a peer that sends more is cut off
    /// before it can make the receiver hold more.
    /// </summary>
    public const int MlsPayloadMax = 2 * 1024 * 1024;

    /// <summary>The most leaves of an MLS group (PROTOCOL.md 8).</summary>
    public const int MlsMembersMax = 4096;

    /// <summary>The most key packages in one KeyPackages record: 8 one-time and 1 last resort.</summary>
    public const int KeyPackagesMax = 9;

    /// <summary>The most joiners in one GroupTask (its count is one byte).</summary>
    public const int TaskJoinersMax = 255;

    /// <summary>
    /// The most removals in one GroupTask: what fits in the record's head beside the longest target, the group id, the
    /// epoch and the count, so the head never needs Parts. More wait for the next task.
    /// </summary>
    public const int TaskRemovalsMax = 500;

    /// <summary>
    /// PBKDF2 iteration bounds: the default count (the server's setting) and minimum, the default maximum a side
    /// accepts, and the hard ceiling no setting may exceed.
    /// </summary>
    public const int IterationsDefault = 100_000;
    public const int IterationsMaxDefault = 1_000_000;
    public const int IterationsCeiling = 10_000_000;

    /// <summary>Record counts and time after which a side starts a rekey on its own.</summary>
    public const long RekeyAfterRecords = 1L << 20;
    public static readonly TimeSpan RekeyAfterTime = TimeSpan.FromHours(1);

    /// <summary>At most one rekey per second per link.</summary>
    public static readonly TimeSpan RekeyMinInterval = TimeSpan.FromSeconds(1);

    /// <summary>A sealed heartbeat after 15 s without sending; a peer silent for 45 s is dropped.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(45);
}
