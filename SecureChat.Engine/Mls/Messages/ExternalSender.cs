using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// ExternalSender (RFC 9420 section 12.1.8.1): a party outside the group allowed to send proposals, by signature key
/// and credential. The external_senders extension's data is <c>ExternalSender external_senders&lt;V&gt;</c>, and a
/// Sender of type external names an entry by its index. Immutable; thread-safe.
/// </summary>
internal sealed record ExternalSender(byte[] SignatureKey, Credential Credential)
{
    public void Write(MlsWriter w)
    {
        w.Opaque(SignatureKey);
        Credential.Write(w);
    }

    public static ExternalSender Read(ref MlsReader r) => new(r.OpaqueArray(), Credential.Read(ref r));

    /// <summary>The data of an external_senders extension.</summary>
    public static byte[] EncodeList(IReadOnlyList<ExternalSender> senders) =>
        MlsWriter.Encode(w => w.Vector(senders, static (w, s) => s.Write(w)));

    /// <summary>Parses an external_senders extension's data; <see cref="MlsFormatException"/> when malformed.</summary>
    public static List<ExternalSender> DecodeList(ReadOnlySpan<byte> data)
    {
        MlsReader r = new(data);
        List<ExternalSender> senders = r.VectorOf(Read);
        r.ExpectEnd();
        return senders;
    }
}
