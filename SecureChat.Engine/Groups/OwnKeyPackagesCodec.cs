using SecureChat.Engine.Mls.Codec;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Mls.Messages;

namespace SecureChat.Engine.Groups;

/// <summary>
/// The key packages whose secrets a member keeps (<see cref="OwnKeyPackages"/>), as bytes for their encrypted file
/// (version 1): each key package with its init, leaf and signature private keys and whether it is a last resort one.
/// Stateless and thread-safe.
/// </summary>
internal static class OwnKeyPackagesCodec
{
    public const byte Version = 1;

    public static byte[] Encode(IReadOnlyList<OwnKeyPackage> kept) => MlsWriter.Encode(w =>
    {
        w.U8(Version);
        w.Vector(kept, static (w, own) =>
        {
            w.Opaque(own.KeyPackage.Encode());
            w.Opaque(own.Secrets.InitPrivateKey);
            w.Opaque(own.Secrets.EncryptionPrivateKey);
            w.Opaque(own.Secrets.SignaturePrivateKey);
            w.Bool(own.LastResort);
        });
    });

    public static bool TryDecode(ReadOnlySpan<byte> bytes, out List<OwnKeyPackage> kept, out string failure)
    {
        kept = [];
        try
        {
            var r = new MlsReader(bytes);
            if (r.U8() != Version)
            {
                failure = "the stored key packages have another version";
                return false;
            }

            kept = r.VectorOf(static (ref MlsReader r) => new OwnKeyPackage(
                KeyPackage.Decode(r.Opaque()),
                new KeyPackageSecrets(r.OpaqueArray(), r.OpaqueArray(), r.OpaqueArray()),
                r.Bool()));
            r.ExpectEnd();
            failure = "";
            return true;
        }
        catch (MlsFormatException e)
        {
            failure = $"the stored key packages are damaged: {e.Message}";
            return false;
        }
    }
}
