using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Mls.Messages;

/// <summary>
/// AuthenticatedContent (RFC 9420 section 6.1): framed content with its wire format and auth data: what both
/// PublicMessage and PrivateMessage protect, and what the transcript hash and ProposalRef (section 5.2) are computed
/// over. Immutable; thread-safe.
/// </summary>
internal sealed record AuthenticatedContent
{
    /// <summary>The label of a proposal's reference (section 5.2 RefHash).</summary>
    public const string ProposalReferenceLabel = "MLS 1.0 Proposal Reference";

    public AuthenticatedContent(WireFormat wireFormat, FramedContent content, FramedContentAuthData auth)
    {
        auth.CheckMatches(content.ContentType);
        WireFormat = wireFormat;
        Content = content;
        Auth = auth;
    }

    public WireFormat WireFormat { get; }

    public FramedContent Content { get; }

    public FramedContentAuthData Auth { get; }

    public void Write(MlsWriter w)
    {
        w.U16((ushort)WireFormat);
        Content.Write(w);
        Auth.Write(w);
    }

    public static AuthenticatedContent Read(ref MlsReader r)
    {
        WireFormat wireFormat = WireEnums.ReadWireFormat(ref r);
        if (wireFormat is not (WireFormat.PublicMessage or WireFormat.PrivateMessage))
        {
            throw new MlsFormatException($"authenticated content cannot come from wire format {wireFormat}");
        }

        FramedContent content = FramedContent.Read(ref r);
        return new(wireFormat, content, FramedContentAuthData.Read(ref r, content.ContentType));
    }

    public byte[] Encode() => MlsWriter.Encode(Write);

    public static AuthenticatedContent Decode(ReadOnlySpan<byte> bytes)
    {
        MlsReader r = new(bytes);
        AuthenticatedContent value = Read(ref r);
        r.ExpectEnd();
        return value;
    }

    /// <summary>ProposalRef (section 5.2): RefHash("MLS 1.0 Proposal Reference", AuthenticatedContent).</summary>
    public byte[] ProposalRef(CipherSuite suite) =>
        Content.ContentType == ContentType.Proposal
            ? suite.RefHash(ProposalReferenceLabel, Encode())
            : throw new InvalidOperationException("only proposal content has a proposal reference");
}
