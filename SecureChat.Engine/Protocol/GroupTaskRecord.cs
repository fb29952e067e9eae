using System.Buffers.Binary;

namespace SecureChat.Engine.Protocol;

/// <summary>
/// GroupTask (0x21, hub to client): <c>target || group_id (16) || u64 epoch || u16 removals || removals × digest ||
/// mls</c>, where <c>mls</c> holds 0 to 255 joiners (<see cref="GroupTaskJoiner"/>). The hub designates the receiver to
/// commit epoch <c>epoch</c> of the group of <c>target</c>: remove those identities and add those joiners (PROTOCOL.md
/// 4.8). A task with neither, more than <see cref="WireFormat.TaskRemovalsMax"/> removals, more than 255 joiners or a
/// malformed joiner is a malformed record. Immutable.
/// </summary>
internal readonly record struct GroupTaskRecord(GroupTarget Target, byte[] GroupId, ulong Epoch, IReadOnlyList<byte[]> Removals, IReadOnlyList<GroupTaskJoiner> Joiners)
{
    /// <summary>The records that carry it: Parts when the joiners' key packages do not fit, then the record.</summary>
    public List<(FrameType Type, byte[] Plaintext)> Write()
    {
        if (GroupId.Length != WireFormat.GroupIdSize || Removals.Count > WireFormat.TaskRemovalsMax || Joiners.Count > WireFormat.TaskJoinersMax
            || Removals.Count + Joiners.Count == 0)
        {
            throw new ArgumentException("a GroupTask has a 16-byte group id, 0 to 500 removals, 0 to 255 joiners, and at least one of them", nameof(Removals));
        }

        byte[] head = new byte[GroupTarget.FieldMax + WireFormat.GroupIdSize + 8 + 2 + Removals.Count * WireFormat.IdentityDigestSize];
        int offset = Target.Write(head);
        GroupId.CopyTo(head, offset);
        offset += WireFormat.GroupIdSize;
        BinaryPrimitives.WriteUInt64BigEndian(head.AsSpan(offset), Epoch);
        BinaryPrimitives.WriteUInt16BigEndian(head.AsSpan(offset + 8), (ushort)Removals.Count);
        offset += 10;
        foreach (byte[] removal in Removals)
        {
            offset += RecordPayload.WriteDigest(head.AsSpan(offset), removal);
        }

        byte[] mls = new byte[Joiners.Sum(j => WireFormat.IdentityDigestSize + RecordPayload.NameFieldMax + MlsPayload.EntryPrefixSize + j.KeyPackage.Length)];
        int length = 0;
        foreach (GroupTaskJoiner joiner in Joiners)
        {
            length += RecordPayload.WriteDigest(mls.AsSpan(length), joiner.Digest);
            length += RecordPayload.WriteName(mls.AsSpan(length), joiner.Name);
            length += MlsPayload.WriteEntry(mls.AsSpan(length), joiner.KeyPackage);
        }

        if (length > WireFormat.MlsPayloadMax)
        {
            throw new ArgumentException("the joiners' key packages pass MlsPayloadMax", nameof(Joiners));
        }

        return PartRecord.Frame(FrameType.GroupTask, head.AsSpan(0, offset), mls.AsSpan(0, length));
    }

    /// <summary>Parses the record, <paramref name="parts"/> being the bytes of the Parts that preceded it.</summary>
    public static bool TryParse(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> parts, out GroupTaskRecord record)
    {
        record = default;
        if (!GroupTarget.TryRead(ref plaintext, out GroupTarget target) || plaintext.Length < WireFormat.GroupIdSize + 10)
        {
            return false;
        }

        byte[] groupId = plaintext[..WireFormat.GroupIdSize].ToArray();
        ulong epoch = BinaryPrimitives.ReadUInt64BigEndian(plaintext[WireFormat.GroupIdSize..]);
        int removalCount = BinaryPrimitives.ReadUInt16BigEndian(plaintext[(WireFormat.GroupIdSize + 8)..]);
        plaintext = plaintext[(WireFormat.GroupIdSize + 10)..];
        if (removalCount > WireFormat.TaskRemovalsMax || plaintext.Length < removalCount * WireFormat.IdentityDigestSize)
        {
            return false;
        }

        var removals = new List<byte[]>(removalCount);
        for (int i = 0; i < removalCount; i++)
        {
            RecordPayload.TryReadDigest(ref plaintext, out byte[] digest);
            removals.Add(digest);
        }

        if (!MlsPayload.TryAssemble(parts, plaintext, out byte[] mls))
        {
            return false;
        }

        var joiners = new List<GroupTaskJoiner>();
        ReadOnlySpan<byte> rest = mls;
        while (!rest.IsEmpty)
        {
            if (joiners.Count == WireFormat.TaskJoinersMax
                || !RecordPayload.TryReadDigest(ref rest, out byte[] digest)
                || !RecordPayload.TryReadName(ref rest, allowEmpty: false, out string name)
                || !MlsPayload.TryReadEntry(ref rest, out byte[] keyPackage))
            {
                return false;
            }

            joiners.Add(new GroupTaskJoiner(digest, name, keyPackage));
        }

        if (removals.Count + joiners.Count == 0)
        {
            return false;
        }

        record = new GroupTaskRecord(target, groupId, epoch, removals, joiners);
        return true;
    }
}
