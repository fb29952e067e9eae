using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// PreSharedKeyID (RFC 9420 section 8.4): an external PSK's id, or a resumption PSK's usage, group id and epoch;
/// then the nonce that makes each use of the PSK distinct. Immutable; thread-safe.
/// </summary>
internal sealed record PreSharedKeyId
{
    private PreSharedKeyId(PskType type, byte[] pskId, ResumptionPskUsage usage, byte[] pskGroupId, ulong pskEpoch, byte[] nonce)
    {
        Type = type;
        PskId = pskId;
        Usage = usage;
        PskGroupId = pskGroupId;
        PskEpoch = pskEpoch;
        Nonce = nonce;
    }

    public PskType Type { get; }

    /// <summary>The id of an external PSK (empty for resumption).</summary>
    public byte[] PskId { get; }

    /// <summary>The usage of a resumption PSK (0 for external).</summary>
    public ResumptionPskUsage Usage { get; }

    /// <summary>The group of a resumption PSK (empty for external).</summary>
    public byte[] PskGroupId { get; }

    /// <summary>The epoch of a resumption PSK (0 for external).</summary>
    public ulong PskEpoch { get; }

    public byte[] Nonce { get; }

    public static PreSharedKeyId External(byte[] pskId, byte[] nonce) => new(PskType.External, pskId, 0, [], 0, nonce);

    public static PreSharedKeyId Resumption(ResumptionPskUsage usage, byte[] groupId, ulong epoch, byte[] nonce) =>
        new(PskType.Resumption, [], usage, groupId, epoch, nonce);

    public void Write(MlsWriter w)
    {
        w.U8((byte)Type);
        if (Type == PskType.External)
        {
            w.Opaque(PskId);
        }
        else
        {
            w.U8((byte)Usage);
            w.Opaque(PskGroupId);
            w.U64(PskEpoch);
        }

        w.Opaque(Nonce);
    }

    public static PreSharedKeyId Read(ref MlsReader r)
    {
        byte type = r.U8();
        switch (type)
        {
            case (byte)PskType.External:
                return External(r.OpaqueArray(), r.OpaqueArray());
            case (byte)PskType.Resumption:
                byte usage = r.U8();
                if (usage is < 1 or > 3)
                {
                    throw new MlsFormatException($"unknown resumption PSK usage {usage}");
                }

                return Resumption((ResumptionPskUsage)usage, r.OpaqueArray(), r.U64(), r.OpaqueArray());
            default:
                throw new MlsFormatException($"unknown PSK type {type}");
        }
    }

    public byte[] Encode() => MlsWriter.Encode(Write);
}
