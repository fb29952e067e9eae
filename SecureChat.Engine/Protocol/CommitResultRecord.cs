using System.Buffers.Binary;

namespace SecureChat.Engine.Protocol;

/// <summary>
/// CommitResult (0x23, hub to client): <c>target || u8 status || group_id (16) || u64 epoch</c>, the answer to each
/// GroupCommit in order: accepted (the group is now at <c>epoch</c>), stale or refused (the group's current epoch).
/// Any other status, or bytes after the epoch, is a malformed record. Immutable.
/// </summary>
internal readonly record struct CommitResultRecord(GroupTarget Target, CommitStatus Status, byte[] GroupId, ulong Epoch)
{
    public const int SizeMax = GroupTarget.FieldMax + 1 + WireFormat.GroupIdSize + 8;

    public int Write(Span<byte> destination)
    {
        if (Status > CommitStatus.Refused || GroupId.Length != WireFormat.GroupIdSize)
        {
            throw new ArgumentException($"a CommitResult has a status of 0 to 2 and a {WireFormat.GroupIdSize}-byte group id", nameof(destination));
        }

        int offset = Target.Write(destination);
        destination[offset++] = (byte)Status;
        GroupId.CopyTo(destination[offset..]);
        offset += WireFormat.GroupIdSize;
        BinaryPrimitives.WriteUInt64BigEndian(destination[offset..], Epoch);
        return offset + 8;
    }

    public static bool TryParse(ReadOnlySpan<byte> plaintext, out CommitResultRecord record)
    {
        record = default;
        if (!GroupTarget.TryRead(ref plaintext, out GroupTarget target)
            || plaintext.Length != 1 + WireFormat.GroupIdSize + 8 || plaintext[0] > (byte)CommitStatus.Refused)
        {
            return false;
        }

        record = new CommitResultRecord(
            target,
            (CommitStatus)plaintext[0],
            plaintext.Slice(1, WireFormat.GroupIdSize).ToArray(),
            BinaryPrimitives.ReadUInt64BigEndian(plaintext[(1 + WireFormat.GroupIdSize)..]));
        return true;
    }
}
