using System.Text.Json;
using SecureChat.Engine.Mls.Codec;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Mls;

/// <summary>
/// Round-trips the published vectors do not reach (RFC 9420 sections 5.3, 6, 8.4, 12.1, 13): types this
/// implementation does not know kept raw (GREASE, section 13.5), X.509 chains, resumption PSKs, every sender kind;
/// and the closed enumerations refused when out of range.
/// </summary>
public sealed class MessageRoundTripTests
{
    [Fact]
    public void A_proposal_credential_and_extension_of_unknown_types_round_trip_unchanged()
    {
        Proposal grease = Proposal.Decode(new UnknownProposal((ProposalType)0x0A0A, [1, 2, 3]).Encode());
        grease.ShouldBeOfType<UnknownProposal>().Data.ShouldBe(new byte[] { 1, 2, 3 });
        grease.Type.ShouldBe((ProposalType)0x0A0A);

        LeafNode leaf = Leaf(Credential.Other((CredentialType)0x1A1A, [9, 9]), [new Extension((ExtensionType)0x2A2A, [4, 5])]);
        LeafNode decoded = LeafNode.Decode(leaf.Encode());
        decoded.Credential.Type.ShouldBe((CredentialType)0x1A1A);
        decoded.Credential.Data.ShouldBe(new byte[] { 9, 9 });
        Extensions.Find(decoded.Extensions, (ExtensionType)0x2A2A)!.Data.ShouldBe(new byte[] { 4, 5 });
        decoded.Encode().ShouldBe(leaf.Encode());
    }

    [Fact]
    public void An_x509_chain_a_resumption_psk_and_every_sender_kind_round_trip()
    {
        LeafNode x509 = Leaf(Credential.X509([[0x30, 1], [0x30, 2, 3]]), []);
        LeafNode.Decode(x509.Encode()).Credential.Certificates.Select(c => c.Length).ShouldBe([2, 3]);

        PreSharedKeyId resumption = PreSharedKeyId.Resumption(ResumptionPskUsage.Branch, [7], 42, [1, 1]);
        PreSharedKeyProposal psk = (PreSharedKeyProposal)Proposal.Decode(new PreSharedKeyProposal(resumption).Encode());
        psk.Psk.Type.ShouldBe(PskType.Resumption);
        psk.Psk.Usage.ShouldBe(ResumptionPskUsage.Branch);
        psk.Psk.PskEpoch.ShouldBe(42UL);

        foreach (Sender sender in new[] { Sender.Member(3), Sender.External(1), Sender.NewMemberProposal, Sender.NewMemberCommit })
        {
            FramedContent content = new([1], 2, sender, [], new RemoveProposal(0));
            byte[]? tag = sender.Type == SenderType.Member ? new byte[32] : null;
            MlsMessage message = MlsMessage.Of(new PublicMessage(content, new FramedContentAuthData(new byte[64], null), tag));
            byte[] wire = message.Encode();
            MlsMessage back = MlsMessage.Decode(wire);
            back.PublicMessage!.Content.Sender.ShouldBe(sender);
            (back.PublicMessage.MembershipTag is not null).ShouldBe(sender.Type == SenderType.Member);
            back.Encode().ShouldBe(wire);
        }
    }

    [Fact]
    public void The_authenticated_commit_of_transcript_hashes_json_decodes_and_re_encodes_byte_for_byte()
    {
        using JsonDocument doc = VectorFiles.RequireJson("mls/transcript-hashes.json", "MLS authenticated content");
        int ran = 0;
        foreach (JsonElement test in doc.RootElement.EnumerateArray().Where(t => t.GetProperty("cipher_suite").GetInt32() == 1))
        {
            byte[] bytes = Hex.Bytes(test.GetProperty("authenticated_content").GetString()!);
            AuthenticatedContent content = AuthenticatedContent.Decode(bytes);
            content.Content.ContentType.ShouldBe(ContentType.Commit);
            content.Auth.ConfirmationTag!.Length.ShouldBe(32);
            content.Encode().ShouldBe(bytes);
            ran++;
        }

        ran.ShouldBeGreaterThan(0);
    }

    [Fact]
    public void An_extension_list_with_a_type_twice_is_found_out_and_a_lifetime_covers_both_its_bounds()
    {
        Extensions.AreDistinct([new Extension(ExtensionType.ApplicationId, [1]), new Extension((ExtensionType)0x0A0A, [])]).ShouldBeTrue();
        Extensions.AreDistinct([new Extension(ExtensionType.ApplicationId, [1]), new Extension(ExtensionType.ApplicationId, [2])]).ShouldBeFalse();
        Extensions.Find([new Extension(ExtensionType.ExternalPub, [3])], ExtensionType.RatchetTree).ShouldBeNull();

        Lifetime lifetime = new(100, 200);
        lifetime.Covers(100).ShouldBeTrue();
        lifetime.Covers(200).ShouldBeTrue();
        lifetime.Covers(99).ShouldBeFalse();
        lifetime.Covers(201).ShouldBeFalse();
    }

    [Fact]
    public void External_senders_and_required_capabilities_round_trip_and_required_types_are_checked_against_capabilities()
    {
        List<ExternalSender> senders = [new([1, 2], Credential.Basic([3])), new([4], Credential.X509([[5]]))];
        byte[] data = ExternalSender.EncodeList(senders);
        List<ExternalSender> back = ExternalSender.DecodeList(data);
        back.Count.ShouldBe(2);
        back[1].Credential.Certificates[0].ShouldBe(new byte[] { 5 });
        ExternalSender.EncodeList(back).ShouldBe(data);
        Should.Throw<MlsFormatException>(() => ExternalSender.DecodeList(data[..^1]));

        RequiredCapabilities required = new([(ushort)ExtensionType.RatchetTree, 0x0A0A], [(ushort)ProposalType.Add, 0x0B0B], [(ushort)CredentialType.Basic]);
        RequiredCapabilities.Decode(required.Encode()).Encode().ShouldBe(required.Encode());
        required.AreMetBy(new Capabilities([1], [1], [0x0A0A], [0x0B0B], [1])).ShouldBeTrue();
        required.AreMetBy(new Capabilities([1], [1], [], [0x0B0B], [1])).ShouldBeFalse();
        required.AreMetBy(new Capabilities([1], [1], [0x0A0A], [], [1])).ShouldBeFalse();
        required.AreMetBy(new Capabilities([1], [1], [0x0A0A], [0x0B0B], [2])).ShouldBeFalse();
    }

    [Theory]
    [InlineData("0002" + "0001", "protocol version 2")]
    [InlineData("0001" + "0006", "unknown wire format 6")]
    [InlineData("0001" + "0000", "unknown wire format 0")]
    public void A_message_of_another_version_or_wire_format_is_refused(string hex, string reason) =>
        Should.Throw<MlsFormatException>(() => MlsMessage.Decode(Hex.Bytes(hex))).Message.ShouldContain(reason);

    [Fact]
    public void A_sender_content_psk_or_proposal_reference_type_out_of_range_is_refused()
    {
        byte[] framed = new FramedContent([1], 2, Sender.Member(0), [], [5]).Encode();
        byte[] badSender = (byte[])framed.Clone();
        badSender[2 + 8] = 5;
        Should.Throw<MlsFormatException>(() => Read(badSender, FramedContent.Read)).Message.ShouldContain("sender type 5");
        byte[] badType = (byte[])framed.Clone();
        badType[2 + 8 + 5 + 1] = 4;
        Should.Throw<MlsFormatException>(() => Read(badType, FramedContent.Read)).Message.ShouldContain("content type 4");

        Should.Throw<MlsFormatException>(() => Read([3, 0, 0], PreSharedKeyId.Read)).Message.ShouldContain("PSK type 3");
        Should.Throw<MlsFormatException>(() => Read([2, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], PreSharedKeyId.Read)).Message.ShouldContain("usage 4");
        Should.Throw<MlsFormatException>(() => Read([3, 0], ProposalOrRef.Read)).Message.ShouldContain("ProposalOrRef type 3");
        Should.Throw<MlsFormatException>(() => Commit.Decode([0, 2])).Message.ShouldContain("Boolean");
    }

    private static T Read<T>(byte[] bytes, ReadFunc<T> read)
    {
        MlsReader r = new(bytes);
        T value = read(ref r);
        r.ExpectEnd();
        return value;
    }

    private static LeafNode Leaf(Credential credential, IReadOnlyList<Extension> extensions) => new(
        new byte[32], new byte[32], credential, new Capabilities([1, 0x0A0A], [1], [0x2A2A], [0x0A0A], [1, 0x1A1A]),
        LeafNodeSource.Update, null, null, extensions, new byte[64]);
}
