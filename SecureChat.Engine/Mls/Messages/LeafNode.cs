using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// LeafNode (RFC 9420 section 7.2): a member's HPKE encryption key, signature key, credential and capabilities,
/// where the leaf came from (a key package, with its lifetime; an Update; a Commit, with its parent hash), its
/// extensions, and its signature over LeafNodeTBS. LeafNodeTBS adds the group id and leaf index for the update and
/// commit sources, binding such a leaf to one position in one group. Immutable; thread-safe.
/// </summary>
internal sealed record LeafNode
{
    /// <summary>The label of the leaf's signature (section 5.1.2 SignWithLabel).</summary>
    public const string SignatureLabel = "LeafNodeTBS";

    public LeafNode(
        byte[] encryptionKey,
        byte[] signatureKey,
        Credential credential,
        Capabilities capabilities,
        LeafNodeSource source,
        Lifetime? lifetime,
        byte[]? parentHash,
        IReadOnlyList<Extension> extensions,
        byte[] signature)
    {
        if ((source == LeafNodeSource.KeyPackage) != (lifetime is not null))
        {
            throw new ArgumentException("a lifetime is present exactly when the source is key_package", nameof(lifetime));
        }

        if ((source == LeafNodeSource.Commit) != (parentHash is not null))
        {
            throw new ArgumentException("a parent hash is present exactly when the source is commit", nameof(parentHash));
        }

        EncryptionKey = encryptionKey;
        SignatureKey = signatureKey;
        Credential = credential;
        Capabilities = capabilities;
        Source = source;
        Lifetime = lifetime;
        ParentHash = parentHash;
        Extensions = extensions;
        Signature = signature;
    }

    public byte[] EncryptionKey { get; init; }

    public byte[] SignatureKey { get; init; }

    public Credential Credential { get; init; }

    public Capabilities Capabilities { get; init; }

    public LeafNodeSource Source { get; }

    /// <summary>Present exactly when <see cref="Source"/> is key_package.</summary>
    public Lifetime? Lifetime { get; }

    /// <summary>Present exactly when <see cref="Source"/> is commit.</summary>
    public byte[]? ParentHash { get; }

    public IReadOnlyList<Extension> Extensions { get; init; }

    public byte[] Signature { get; init; }

    /// <summary>True when the to-be-signed encoding names a group and leaf (sources update and commit).</summary>
    public bool IsBoundToGroup => Source != LeafNodeSource.KeyPackage;

    public void Write(MlsWriter w)
    {
        WriteContent(w);
        w.Opaque(Signature);
    }

    public static LeafNode Read(ref MlsReader r)
    {
        byte[] encryptionKey = r.OpaqueArray();
        byte[] signatureKey = r.OpaqueArray();
        Credential credential = Credential.Read(ref r);
        Capabilities capabilities = Capabilities.Read(ref r);
        LeafNodeSource source = WireEnums.ReadLeafNodeSource(ref r);
        Lifetime? lifetime = source == LeafNodeSource.KeyPackage ? Lifetime.Read(ref r) : null;
        byte[]? parentHash = source == LeafNodeSource.Commit ? r.OpaqueArray() : null;
        List<Extension> extensions = Messages.Extensions.Read(ref r);
        byte[] signature = r.OpaqueArray();
        return new LeafNode(encryptionKey, signatureKey, credential, capabilities, source, lifetime, parentHash, extensions, signature);
    }

    public byte[] Encode() => MlsWriter.Encode(Write);

    public static LeafNode Decode(ReadOnlySpan<byte> bytes)
    {
        MlsReader r = new(bytes);
        LeafNode value = Read(ref r);
        r.ExpectEnd();
        return value;
    }

    /// <summary>
    /// LeafNodeTBS: the content, then for the update and commit sources the group id and leaf index
    /// (<paramref name="groupId"/> is required for them, and ignored for key_package, which names no group).
    /// </summary>
    public byte[] EncodeTbs(byte[]? groupId, uint leafIndex)
    {
        MlsWriter w = new();
        WriteContent(w);
        if (IsBoundToGroup)
        {
            if (groupId is null)
            {
                throw new ArgumentNullException(nameof(groupId), $"a leaf node from {Source} is signed with its group id and leaf index");
            }

            w.Opaque(groupId);
            w.U32(leafIndex);
        }

        return w.ToArray();
    }

    /// <summary>This leaf with its signature made by <paramref name="signaturePrivateKey"/> (section 7.2).</summary>
    public LeafNode Signed(CipherSuite suite, ReadOnlySpan<byte> signaturePrivateKey, byte[]? groupId, uint leafIndex) =>
        this with { Signature = suite.SignWithLabel(signaturePrivateKey, SignatureLabel, EncodeTbs(groupId, leafIndex)) };

    /// <summary>True when the signature verifies under the leaf's own signature key (section 7.2).</summary>
    public bool VerifySignature(CipherSuite suite, byte[]? groupId, uint leafIndex) =>
        suite.VerifyWithLabel(SignatureKey, SignatureLabel, EncodeTbs(groupId, leafIndex), Signature);

    private void WriteContent(MlsWriter w)
    {
        w.Opaque(EncryptionKey);
        w.Opaque(SignatureKey);
        Credential.Write(w);
        Capabilities.Write(w);
        w.U8((byte)Source);
        switch (Source)
        {
            case LeafNodeSource.KeyPackage:
                Lifetime!.Write(w);
                break;
            case LeafNodeSource.Commit:
                w.Opaque(ParentHash!);
                break;
        }

        Messages.Extensions.Write(w, Extensions);
    }
}
