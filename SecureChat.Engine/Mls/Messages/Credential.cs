using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// Credential (RFC 9420 section 5.3): a basic credential's identity, or an X.509 chain kept as its raw DER
/// certificates (leaf first; not parsed here). Any other type has no layout in the RFC; it is read as one
/// opaque&lt;V&gt; block (the convention of existing implementations for application-defined credentials) and kept
/// raw, so a leaf carrying it still round-trips. Immutable; thread-safe.
/// </summary>
internal sealed record Credential
{
    private Credential(CredentialType type, byte[] identity, IReadOnlyList<byte[]> certificates, byte[] data)
    {
        Type = type;
        Identity = identity;
        Certificates = certificates;
        Data = data;
    }

    public CredentialType Type { get; }

    /// <summary>The identity of a basic credential (empty for other types).</summary>
    public byte[] Identity { get; }

    /// <summary>The DER certificates of an X.509 credential (empty for other types).</summary>
    public IReadOnlyList<byte[]> Certificates { get; }

    /// <summary>The raw body of a credential of an unknown type (empty for basic and X.509).</summary>
    public byte[] Data { get; }

    public static Credential Basic(byte[] identity) => new(CredentialType.Basic, identity, [], []);

    public static Credential X509(IReadOnlyList<byte[]> certificates) => new(CredentialType.X509, [], certificates, []);

    public static Credential Other(CredentialType type, byte[] data) =>
        type is CredentialType.Basic or CredentialType.X509
            ? throw new ArgumentException("basic and X.509 credentials have their own layout", nameof(type))
            : new(type, [], [], data);

    public void Write(MlsWriter w)
    {
        w.U16((ushort)Type);
        switch (Type)
        {
            case CredentialType.Basic:
                w.Opaque(Identity);
                break;
            case CredentialType.X509:
                w.Vector(Certificates, static (w, c) => w.Opaque(c));
                break;
            default:
                w.Opaque(Data);
                break;
        }
    }

    public static Credential Read(ref MlsReader r)
    {
        CredentialType type = (CredentialType)r.U16();
        return type switch
        {
            CredentialType.Basic => Basic(r.OpaqueArray()),
            CredentialType.X509 => X509(r.VectorOf(static (ref MlsReader r) => r.OpaqueArray())),
            _ => Other(type, r.OpaqueArray()),
        };
    }
}
