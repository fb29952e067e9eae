namespace SecureChat.Engine.Protocol;

/// <summary>
/// The <c>target</c> field of the MLS records (PROTOCOL.md 4.1): a room's group (<c>u8 n || n bytes</c>, n = 2 to 64)
/// or the direct conversation with one identity (<c>0x00 || digest</c>; from the receiver's side, the other person).
/// Exactly one of <see cref="Room"/> and <see cref="Digest"/> is set. Immutable.
/// </summary>
internal readonly record struct GroupTarget(string Room, byte[]? Digest)
{
    /// <summary>The largest target field: a length byte and the longest room name (a digest takes 33).</summary>
    public const int FieldMax = 1 + WireFormat.RoomMax;

    public static GroupTarget ForRoom(string room) => new(room, null);

    public static GroupTarget ForPerson(byte[] digest) => new(string.Empty, digest);

    public bool IsRoom => Digest is null;

    public bool Equals(GroupTarget other) =>
        Room == other.Room && (Digest is null ? other.Digest is null : other.Digest is not null && Digest.AsSpan().SequenceEqual(other.Digest));

    public override int GetHashCode() => HashCode.Combine(Room, Digest?.Length);

    public override string ToString() => IsRoom ? Room : "0x00 || " + Convert.ToHexStringLower(Digest!);

    public int Write(Span<byte> destination)
    {
        if (Digest is { } digest)
        {
            if (Room.Length != 0)
            {
                throw new ArgumentException("a target is a room or a person, not both");
            }

            destination[0] = 0;
            return 1 + RecordPayload.WriteDigest(destination[1..], digest);
        }

        if (Room.Length == 0)
        {
            throw new ArgumentException("a target names a room or a person");
        }

        return RecordPayload.WriteRoom(destination, Room);
    }

    /// <summary>Reads a target and moves past it; false for n = 1, n above 64, a short digest or invalid UTF-8.</summary>
    public static bool TryRead(ref ReadOnlySpan<byte> plaintext, out GroupTarget target)
    {
        target = default;
        if (plaintext.IsEmpty)
        {
            return false;
        }

        if (plaintext[0] == 0)
        {
            ReadOnlySpan<byte> rest = plaintext[1..];
            if (!RecordPayload.TryReadDigest(ref rest, out byte[] digest))
            {
                return false;
            }

            plaintext = rest;
            target = ForPerson(digest);
            return true;
        }

        if (!RecordPayload.TryReadRoom(ref plaintext, out string room))
        {
            return false;
        }

        target = ForRoom(room);
        return true;
    }
}
