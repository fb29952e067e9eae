namespace SecureChat.Engine.Protocol;

/// <summary>
/// Sizes, offsets and limits of the SecureChat v1 wire format (PROTOCOL.md). Every length a peer declares is
/// checked against these before anything of that size is allocated.
/// </summary>
internal static class WireFormat
{
    /// <summary>Protocol version 1, the only one this implementation speaks.</summary>
    public const ushort Version1 = 0x0001;

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
    public const int TranscriptHashSize = 32;

    /// <summary>Most versions or groups a ClientHello may list.</summary>
    public const int OfferListMax = 16;

    /// <summary>Largest sender name in a chat record or nick record, in UTF-8 bytes.</summary>
    public const int NameMax = 64;

    /// <summary>Largest chat text: the record plaintext less the sender name and its length byte.</summary>
    public const int ChatTextMax = RecordPlaintextMax - 1 - NameMax;

    /// <summary>PBKDF2 iteration bounds: the default minimum, and a cap so no peer can make us burn minutes.</summary>
    public const int IterationsDefault = 100_000;
    public const int IterationsCap = 10_000_000;

    /// <summary>Record counts and time after which a side starts a rekey on its own.</summary>
    public const long RekeyAfterRecords = 1L << 20;
    public static readonly TimeSpan RekeyAfterTime = TimeSpan.FromHours(1);
}
