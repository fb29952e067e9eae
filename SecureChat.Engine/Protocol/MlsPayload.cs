using System.Buffers.Binary;

namespace SecureChat.Engine.Protocol;

/// <summary>
/// The <c>mls</c> field of the MLS records (PROTOCOL.md 4.1, 4.1.1): the rest of a record's plaintext after its head,
/// with the bytes of the Parts that came before it prepended, at most <see cref="WireFormat.MlsPayloadMax"/> bytes; and
/// the <c>u32 n || n bytes</c> entries some of them hold. The MLS messages inside stay opaque here: the Mls layer reads
/// them. Readers never throw on peer bytes. Pure and thread-safe.
/// </summary>
internal static class MlsPayload
{
    /// <summary>The length prefix of an entry.</summary>
    public const int EntryPrefixSize = 4;

    /// <summary>
    /// The payload of a record whose own tail is <paramref name="tail"/>, after Parts that brought
    /// <paramref name="parts"/>; false when together they pass <see cref="WireFormat.MlsPayloadMax"/>.
    /// </summary>
    public static bool TryAssemble(ReadOnlySpan<byte> parts, ReadOnlySpan<byte> tail, out byte[] mls)
    {
        mls = [];
        if ((long)parts.Length + tail.Length > WireFormat.MlsPayloadMax)
        {
            return false;
        }

        mls = new byte[parts.Length + tail.Length];
        parts.CopyTo(mls);
        tail.CopyTo(mls.AsSpan(parts.Length));
        return true;
    }

    /// <summary>Reads one <c>u32 n || n bytes</c> entry with n at least 1 and moves past it.</summary>
    public static bool TryReadEntry(ref ReadOnlySpan<byte> payload, out byte[] entry)
    {
        entry = [];
        if (payload.Length < EntryPrefixSize)
        {
            return false;
        }

        uint length = BinaryPrimitives.ReadUInt32BigEndian(payload);
        if (length == 0 || length > (uint)(payload.Length - EntryPrefixSize))
        {
            return false;
        }

        entry = payload.Slice(EntryPrefixSize, (int)length).ToArray();
        payload = payload[(EntryPrefixSize + (int)length)..];
        return true;
    }

    /// <summary>Writes one entry (a caller bug when it is empty).</summary>
    public static int WriteEntry(Span<byte> destination, ReadOnlySpan<byte> entry)
    {
        if (entry.IsEmpty)
        {
            throw new ArgumentException("an entry holds at least one byte", nameof(entry));
        }

        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)entry.Length);
        entry.CopyTo(destination[EntryPrefixSize..]);
        return EntryPrefixSize + entry.Length;
    }

    /// <summary>A payload this side may send (a caller bug when it is empty or longer than the limit).</summary>
    public static void CheckSendable(ReadOnlySpan<byte> mls)
    {
        if (mls.IsEmpty || mls.Length > WireFormat.MlsPayloadMax)
        {
            throw new ArgumentException($"an MLS payload is 1 to {WireFormat.MlsPayloadMax} bytes", nameof(mls));
        }
    }
}
