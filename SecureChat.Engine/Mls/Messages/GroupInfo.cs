using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// GroupInfo (RFC 9420 section 12.4.3): what a joiner needs about an epoch: its group context, extensions (the
/// ratchet tree, the external public key ...), the confirmation tag, and the signer's leaf index and signature over
/// GroupInfoTBS (everything before the signature). Immutable; thread-safe.
/// </summary>
internal sealed record GroupInfo(
    GroupContext GroupContext,
    IReadOnlyList<Extension> Extensions,
    byte[] ConfirmationTag,
    uint Signer,
    byte[] Signature)
{
    /// <summary>The label of the group info's signature (section 5.1.2 SignWithLabel).</summary>
    public const string SignatureLabel = "GroupInfoTBS";

    public void Write(MlsWriter w)
    {
        WriteTbs(w);
        w.Opaque(Signature);
    }

    public static GroupInfo Read(ref MlsReader r) => new(
        GroupContext.Read(ref r),
        Messages.Extensions.Read(ref r),
        r.OpaqueArray(),
        r.U32(),
        r.OpaqueArray());

    public byte[] Encode() => MlsWriter.Encode(Write);

    public static GroupInfo Decode(ReadOnlySpan<byte> bytes)
    {
        MlsReader r = new(bytes);
        GroupInfo value = Read(ref r);
        r.ExpectEnd();
        return value;
    }

    /// <summary>GroupInfoTBS: the group info without its signature.</summary>
    public byte[] EncodeTbs() => MlsWriter.Encode(WriteTbs);

    /// <summary>This group info signed by the member at <see cref="Signer"/> (section 12.4.3).</summary>
    public GroupInfo Signed(CipherSuite suite, ReadOnlySpan<byte> signaturePrivateKey) =>
        this with { Signature = suite.SignWithLabel(signaturePrivateKey, SignatureLabel, EncodeTbs()) };

    /// <summary>True when the signature verifies under <paramref name="signerPublicKey"/>, the key of the signer's leaf.</summary>
    public bool VerifySignature(CipherSuite suite, ReadOnlySpan<byte> signerPublicKey) =>
        suite.VerifyWithLabel(signerPublicKey, SignatureLabel, EncodeTbs(), Signature);

    private void WriteTbs(MlsWriter w)
    {
        GroupContext.Write(w);
        Messages.Extensions.Write(w, Extensions);
        w.Opaque(ConfirmationTag);
        w.U32(Signer);
    }
}
