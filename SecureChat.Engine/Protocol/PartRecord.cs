namespace SecureChat.Engine.Protocol;

/// <summary>
/// Part (0x2F, either direction; PROTOCOL.md 4.1.1): 1 to 16,384 bytes, the first bytes of the <c>mls</c> field of the
/// sender's next record that has one, for a payload longer than one record. <see cref="Frame"/> cuts a record the
/// one way every implementation cuts it: the record is filled with the payload's last bytes, and the bytes before
/// them go into full Parts from the start, the last Part holding what remains. Pure and thread-safe.
/// </summary>
internal static class PartRecord
{
    public const int SizeMax = WireFormat.RecordPlaintextMax;

    /// <summary>A Part's plaintext is valid when it holds 1 to 16,384 bytes.</summary>
    public static bool IsValid(ReadOnlySpan<byte> plaintext) => plaintext.Length is >= 1 and <= SizeMax;

    /// <summary>
    /// The records that carry a record of <paramref name="type"/> with head <paramref name="head"/> and payload
    /// <paramref name="mls"/>: Parts, if any, then the record itself, in sending order.
    /// </summary>
    public static List<(FrameType Type, byte[] Plaintext)> Frame(FrameType type, ReadOnlySpan<byte> head, ReadOnlySpan<byte> mls)
    {
        if (head.Length >= WireFormat.RecordPlaintextMax || mls.Length > WireFormat.MlsPayloadMax)
        {
            throw new ArgumentException("a record's head fits in a record and its payload in MlsPayloadMax", nameof(mls));
        }

        int tailLength = Math.Min(mls.Length, WireFormat.RecordPlaintextMax - head.Length);
        int inParts = mls.Length - tailLength;
        var frames = new List<(FrameType, byte[])>(inParts / SizeMax + 2);
        for (int offset = 0; offset < inParts; offset += SizeMax)
        {
            frames.Add((FrameType.Part, mls.Slice(offset, Math.Min(SizeMax, inParts - offset)).ToArray()));
        }

        byte[] record = new byte[head.Length + tailLength];
        head.CopyTo(record);
        mls[inParts..].CopyTo(record.AsSpan(head.Length));
        frames.Add((type, record));
        return frames;
    }
}
