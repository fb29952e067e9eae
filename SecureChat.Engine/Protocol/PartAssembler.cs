namespace SecureChat.Engine.Protocol;

/// <summary>
/// The Parts one peer has sent since its last record with an <c>mls</c> field (PROTOCOL.md 4.1.1), for one link and
/// direction. A Part that is empty or would make the pending bytes longer than <see cref="WireFormat.MlsPayloadMax"/>
/// is refused (the session then fails as a protocol violation), so a peer can never make this hold more than the
/// limit. <see cref="Take"/> hands the pending bytes to the next MLS record and starts over. Not thread-safe: one
/// per link, used by its receive path.
/// </summary>
internal sealed class PartAssembler
{
    private readonly List<byte[]> _parts = [];

    /// <summary>How many bytes the pending Parts hold.</summary>
    public int Pending { get; private set; }

    /// <summary>Adds a Part's plaintext; false (nothing kept) when it is empty, too long, or passes the limit.</summary>
    public bool TryAdd(ReadOnlySpan<byte> part)
    {
        if (!PartRecord.IsValid(part) || Pending + part.Length > WireFormat.MlsPayloadMax)
        {
            return false;
        }

        _parts.Add(part.ToArray());
        Pending += part.Length;
        return true;
    }

    /// <summary>The pending bytes, in order, for the record that completes them; nothing is pending after.</summary>
    public byte[] Take()
    {
        byte[] joined = new byte[Pending];
        int offset = 0;
        foreach (byte[] part in _parts)
        {
            part.CopyTo(joined, offset);
            offset += part.Length;
        }

        Clear();
        return joined;
    }

    /// <summary>Forgets the pending Parts (the link closed).</summary>
    public void Clear()
    {
        _parts.Clear();
        Pending = 0;
    }
}
