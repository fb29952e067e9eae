using System.Security.Cryptography;
using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// GroupSecrets (RFC 9420 section 12.4.3.1): what a Welcome seals to each joiner: the joiner secret, the path
/// secret it shares with the committer when the commit had a path, and the PSKs the epoch used. Secret: the owner
/// calls <see cref="Wipe"/> once the key schedule has consumed it. Not thread-safe.
/// </summary>
internal sealed record GroupSecrets(byte[] JoinerSecret, PathSecret? PathSecret, IReadOnlyList<PreSharedKeyId> Psks)
{
    public void Write(MlsWriter w)
    {
        w.Opaque(JoinerSecret);
        w.Optional(PathSecret, static (w, p) => p.Write(w));
        w.Vector(Psks, static (w, p) => p.Write(w));
    }

    public static GroupSecrets Read(ref MlsReader r) =>
        new(r.OpaqueArray(), r.Optional(PathSecret.Read), r.VectorOf(PreSharedKeyId.Read));

    public byte[] Encode() => MlsWriter.Encode(Write);

    public static GroupSecrets Decode(ReadOnlySpan<byte> bytes)
    {
        MlsReader r = new(bytes);
        GroupSecrets value = Read(ref r);
        r.ExpectEnd();
        return value;
    }

    public void Wipe()
    {
        CryptographicOperations.ZeroMemory(JoinerSecret);
        if (PathSecret is not null)
        {
            CryptographicOperations.ZeroMemory(PathSecret.Secret);
        }
    }
}
