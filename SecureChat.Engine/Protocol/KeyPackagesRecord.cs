namespace SecureChat.Engine.Protocol;

/// <summary>
/// KeyPackages (0x20, client to hub): <c>u8 flags || mls</c>, where <c>mls</c> holds 1 to 9 entries <c>u32 n || n
/// bytes</c>, each one key package (an MLSMessage) the hub may hand out to add the client to a group (PROTOCOL.md 4.1,
/// 4.8). Flag bit 0: the last one is the last resort key package, never used up. Any other flag bit, no entry, more
/// than 9, an empty entry or bytes after the last entry are a malformed record. The key packages are opaque at this
/// layer. Immutable.
/// </summary>
internal readonly record struct KeyPackagesRecord(bool LastResort, IReadOnlyList<byte[]> KeyPackages)
{
    /// <summary>Flag bit 0: the last key package is the last resort one.</summary>
    public const byte FlagLastResort = 0x01;

    /// <summary>The records that carry it: Parts when the payload does not fit, then the record.</summary>
    public List<(FrameType Type, byte[] Plaintext)> Write()
    {
        if (KeyPackages.Count is 0 or > WireFormat.KeyPackagesMax)
        {
            throw new ArgumentException($"a KeyPackages record holds 1 to {WireFormat.KeyPackagesMax} key packages", nameof(KeyPackages));
        }

        byte[] mls = new byte[KeyPackages.Sum(k => MlsPayload.EntryPrefixSize + k.Length)];
        int offset = 0;
        foreach (byte[] keyPackage in KeyPackages)
        {
            offset += MlsPayload.WriteEntry(mls.AsSpan(offset), keyPackage);
        }

        MlsPayload.CheckSendable(mls);
        return PartRecord.Frame(FrameType.KeyPackages, [LastResort ? FlagLastResort : (byte)0], mls);
    }

    /// <summary>Parses the record, <paramref name="parts"/> being the bytes of the Parts that preceded it.</summary>
    public static bool TryParse(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> parts, out KeyPackagesRecord record)
    {
        record = default;
        if (plaintext.IsEmpty || (plaintext[0] & ~FlagLastResort) != 0 || !MlsPayload.TryAssemble(parts, plaintext[1..], out byte[] mls))
        {
            return false;
        }

        var keyPackages = new List<byte[]>();
        ReadOnlySpan<byte> rest = mls;
        while (!rest.IsEmpty)
        {
            if (keyPackages.Count == WireFormat.KeyPackagesMax || !MlsPayload.TryReadEntry(ref rest, out byte[] keyPackage))
            {
                return false;
            }

            keyPackages.Add(keyPackage);
        }

        if (keyPackages.Count == 0)
        {
            return false;
        }

        record = new KeyPackagesRecord((plaintext[0] & FlagLastResort) != 0, keyPackages);
        return true;
    }
}
