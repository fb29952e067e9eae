using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// KeyPackage (RFC 9420 section 10): a client's offer to be added to a group: the protocol version and cipher suite
/// it will use, an HPKE init key for the Welcome, its leaf node (source key_package), extensions, and a signature
/// over KeyPackageTBS (everything before the signature) by the leaf's signature key. Its reference is
/// RefHash("MLS 1.0 KeyPackage Reference", KeyPackage) (section 5.2). Immutable; thread-safe.
/// </summary>
internal sealed record KeyPackage(
    ProtocolVersion Version,
    ushort CipherSuite,
    byte[] InitKey,
    LeafNode LeafNode,
    IReadOnlyList<Extension> Extensions,
    byte[] Signature)
{
    /// <summary>The label of the key package's signature (section 5.1.2 SignWithLabel).</summary>
    public const string SignatureLabel = "KeyPackageTBS";

    /// <summary>The label of a key package's reference (section 5.2 RefHash).</summary>
    public const string ReferenceLabel = "MLS 1.0 KeyPackage Reference";

    public void Write(MlsWriter w)
    {
        WriteTbs(w);
        w.Opaque(Signature);
    }

    public static KeyPackage Read(ref MlsReader r) => new(
        WireEnums.ReadVersion(ref r),
        r.U16(),
        r.OpaqueArray(),
        LeafNode.Read(ref r),
        Messages.Extensions.Read(ref r),
        r.OpaqueArray());

    public byte[] Encode() => MlsWriter.Encode(Write);

    public static KeyPackage Decode(ReadOnlySpan<byte> bytes)
    {
        MlsReader r = new(bytes);
        KeyPackage value = Read(ref r);
        r.ExpectEnd();
        return value;
    }

    /// <summary>KeyPackageTBS: the key package without its signature.</summary>
    public byte[] EncodeTbs() => MlsWriter.Encode(WriteTbs);

    /// <summary>This key package signed by <paramref name="signaturePrivateKey"/>, the key of its leaf (section 10).</summary>
    public KeyPackage Signed(CipherSuite suite, ReadOnlySpan<byte> signaturePrivateKey) =>
        this with { Signature = suite.SignWithLabel(signaturePrivateKey, SignatureLabel, EncodeTbs()) };

    /// <summary>True when the signature verifies under the leaf node's signature key (section 10.1).</summary>
    public bool VerifySignature(CipherSuite suite) =>
        suite.VerifyWithLabel(LeafNode.SignatureKey, SignatureLabel, EncodeTbs(), Signature);

    /// <summary>KeyPackageRef (section 5.2): RefHash("MLS 1.0 KeyPackage Reference", KeyPackage).</summary>
    public byte[] Reference(CipherSuite suite) => suite.RefHash(ReferenceLabel, Encode());

    private void WriteTbs(MlsWriter w)
    {
        w.U16((ushort)Version);
        w.U16(CipherSuite);
        w.Opaque(InitKey);
        LeafNode.Write(w);
        Messages.Extensions.Write(w, Extensions);
    }
}
