using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// UpdatePathNode (RFC 9420 section 7.6): a new public key on the committer's filtered direct path and the path
/// secret sealed to each node of its copath child's resolution, in resolution order. Immutable; thread-safe.
/// </summary>
internal sealed record UpdatePathNode(byte[] EncryptionKey, IReadOnlyList<HpkeCiphertext> EncryptedPathSecret)
{
    public void Write(MlsWriter w)
    {
        w.Opaque(EncryptionKey);
        w.Vector(EncryptedPathSecret, static (w, c) => c.Write(w));
    }

    public static UpdatePathNode Read(ref MlsReader r) => new(r.OpaqueArray(), r.VectorOf(HpkeCiphertext.Read));
}
