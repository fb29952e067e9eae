using System.Security.Cryptography;
using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Codec;
using SecureChat.Engine.Mls.Framing;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Mls;

/// <summary>
/// What a receiver refuses (RFC 9420 sections 6.1-6.3), each with its one failure reason: altered bytes anywhere in a
/// PrivateMessage or PublicMessage, another group or epoch, a forged membership tag or signature, a sender the group
/// does not know, a generation the secret tree will not give, non-zero padding. The reuse guard makes two messages
/// sealed with the same generation's key differ.
/// </summary>
public sealed class MessageFramingTests
{
    private static readonly CipherSuite s_suite = CipherSuite.Suite1;
    private readonly (byte[] Priv, byte[] Pub) _signer = s_suite.GenerateSignatureKeyPair();
    private readonly byte[] _membershipKey = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] _senderDataSecret = RandomNumberGenerator.GetBytes(32);
    private readonly TwoLeafMessageKeys _keys = new(s_suite, RandomNumberGenerator.GetBytes(32));
    private readonly GroupContext _context = new(ProtocolVersion.Mls10, 1, [1, 2, 3], 7, new byte[32], new byte[32], []);

    [Fact]
    public void A_private_message_opens_once_intact_and_every_single_bit_flip_of_its_encoding_is_refused_without_an_exception()
    {
        byte[] wire = MlsMessage.Of(SealApplication("hello"u8.ToArray(), generation: 2)).Encode();
        Open(MlsMessage.Decode(wire).PrivateMessage!).ShouldBe(UnprotectFailure.None);

        Dictionary<UnprotectFailure, int> reasons = [];
        for (int i = 0; i < wire.Length; i++)
        {
            byte[] altered = (byte[])wire.Clone();
            altered[i] ^= 0x01;
            UnprotectFailure failure;
            try
            {
                failure = Open(MlsMessage.Decode(altered).PrivateMessage!);
            }
            catch (MlsFormatException)
            {
                failure = UnprotectFailure.Malformed;
            }

            failure.ShouldNotBe(UnprotectFailure.None, $"bit 0 of byte {i} flipped");
            reasons[failure] = reasons.GetValueOrDefault(failure) + 1;
        }

        VectorFiles.Report($"{wire.Length} altered PrivateMessages refused: " + string.Join(", ", reasons.Select(r => $"{r.Key} {r.Value}")));
        reasons.Keys.ShouldContain(UnprotectFailure.SenderDataUnreadable);
        reasons.Keys.ShouldContain(UnprotectFailure.ContentUnreadable);
        reasons.Keys.ShouldContain(UnprotectFailure.WrongGroup);
        reasons.Keys.ShouldContain(UnprotectFailure.WrongEpoch);
    }

    [Fact]
    public void A_private_message_of_another_epoch_a_generation_the_tree_refuses_or_an_unknown_sender_is_refused()
    {
        PrivateMessage message = SealApplication("x"u8.ToArray(), generation: 0);
        PrivateMessageProtection.TryUnprotect(s_suite, message, _context with { Epoch = 8 }, _senderDataSecret, _keys.TryGet, SignatureKeyOf, out _, out UnprotectFailure failure).ShouldBeFalse();
        failure.ShouldBe(UnprotectFailure.WrongEpoch);

        PrivateMessageProtection.TryUnprotect(s_suite, SealApplication("x"u8.ToArray(), generation: 1001), _context, _senderDataSecret, _keys.TryGet, SignatureKeyOf, out _, out failure).ShouldBeFalse();
        failure.ShouldBe(UnprotectFailure.KeyUnavailable);

        PrivateMessageProtection.TryUnprotect(s_suite, message, _context, _senderDataSecret, _keys.TryGet, _ => null, out _, out failure).ShouldBeFalse();
        failure.ShouldBe(UnprotectFailure.UnknownSender);

        (_, byte[] otherPub) = s_suite.GenerateSignatureKeyPair();
        PrivateMessageProtection.TryUnprotect(s_suite, message, _context, _senderDataSecret, _keys.TryGet, _ => otherPub, out _, out failure).ShouldBeFalse();
        failure.ShouldBe(UnprotectFailure.BadSignature);
    }

    [Fact]
    public void Two_messages_sealed_with_the_same_generation_key_differ_by_their_reuse_guard()
    {
        PrivateMessage first = SealApplication("same"u8.ToArray(), generation: 0);
        PrivateMessage second = SealApplication("same"u8.ToArray(), generation: 0);
        first.Ciphertext.ShouldNotBe(second.Ciphertext);
        Open(first).ShouldBe(UnprotectFailure.None);
        Open(second).ShouldBe(UnprotectFailure.None);
    }

    [Fact]
    public void Padding_of_zeros_is_accepted_and_a_non_zero_padding_byte_is_refused_as_malformed()
    {
        Open(SealApplication("padded"u8.ToArray(), generation: 0, padding: 1000)).ShouldBe(UnprotectFailure.None);

        // Seal by hand a content whose last padding byte is 1, with the key, nonce and AAD a sender would use.
        FramedContent content = new(_context.GroupId, _context.Epoch, Sender.Member(1), [], "padded"u8.ToArray());
        AuthenticatedContent authenticated = ContentSignature.Authenticate(s_suite, _signer.Priv, WireFormat.PrivateMessage, content, _context);
        byte[] plaintext = MlsWriter.Encode(w =>
        {
            content.WriteBody(w);
            authenticated.Auth.Write(w);
            w.Raw([0, 0, 0, 1]);
        });
        _keys.TryGet(1, ContentType.Application, 0, out byte[] key, out byte[] nonce);
        byte[] aad = MlsWriter.Encode(w =>
        {
            w.Opaque(_context.GroupId);
            w.U64(_context.Epoch);
            w.U8((byte)ContentType.Application);
            w.Opaque([]);
        });
        PrivateMessage unsealed = new(_context.GroupId, _context.Epoch, ContentType.Application, [], [], s_suite.Seal(key, nonce, aad, plaintext));
        PrivateMessage tampered = ResealSenderData(unsealed, 0);
        Open(tampered).ShouldBe(UnprotectFailure.Malformed);
    }

    [Fact]
    public void A_public_message_with_a_forged_membership_tag_another_signature_or_application_data_is_refused()
    {
        FramedContent content = new(_context.GroupId, _context.Epoch, Sender.Member(1), [], new RemoveProposal(0));
        AuthenticatedContent authenticated = ContentSignature.Authenticate(s_suite, _signer.Priv, WireFormat.PublicMessage, content, _context);
        PublicMessage message = PublicMessageProtection.Protect(s_suite, authenticated, _context, _membershipKey);
        OpenPublic(message).ShouldBe(UnprotectFailure.None);

        OpenPublic(new PublicMessage(message.Content, message.Auth, RandomNumberGenerator.GetBytes(32))).ShouldBe(UnprotectFailure.BadMembershipTag);
        PublicMessageProtection.TryUnprotect(s_suite, message, _context, RandomNumberGenerator.GetBytes(32), SignatureKeyOf, out _, out UnprotectFailure failure).ShouldBeFalse();
        failure.ShouldBe(UnprotectFailure.BadMembershipTag);

        (byte[] otherPriv, _) = s_suite.GenerateSignatureKeyPair();
        AuthenticatedContent forged = ContentSignature.Authenticate(s_suite, otherPriv, WireFormat.PublicMessage, content, _context);
        OpenPublic(PublicMessageProtection.Protect(s_suite, forged, _context, _membershipKey)).ShouldBe(UnprotectFailure.BadSignature);

        OpenPublic(message, _context with { Epoch = 6 }).ShouldBe(UnprotectFailure.WrongEpoch);
        OpenPublic(message, _context with { GroupId = [9] }).ShouldBe(UnprotectFailure.WrongGroup);

        FramedContent application = new(_context.GroupId, _context.Epoch, Sender.Member(1), [], "clear"u8.ToArray());
        AuthenticatedContent signedApplication = ContentSignature.Authenticate(s_suite, _signer.Priv, WireFormat.PublicMessage, application, _context);
        OpenPublic(new PublicMessage(application, signedApplication.Auth, PublicMessageProtection.MembershipTag(s_suite, signedApplication, _context, _membershipKey)))
            .ShouldBe(UnprotectFailure.NotAllowed);
    }

    [Fact]
    public void A_public_message_from_a_non_member_is_refused_unless_its_sender_type_may_send_that_content()
    {
        FramedContent externalCommit = new(_context.GroupId, _context.Epoch, Sender.External(0), [], new Commit([], null));
        AuthenticatedContent signed = ContentSignature.Authenticate(s_suite, _signer.Priv, WireFormat.PublicMessage, externalCommit, _context, _ => new byte[32]);
        OpenPublic(new PublicMessage(externalCommit, signed.Auth, null), signatureKey: _signer.Pub).ShouldBe(UnprotectFailure.NotAllowed);
        Should.Throw<InvalidOperationException>(() => PublicMessageProtection.Protect(s_suite, signed, _context, _membershipKey));

        FramedContent joinerProposal = new(_context.GroupId, _context.Epoch, Sender.NewMemberCommit, [], new RemoveProposal(0));
        signed = ContentSignature.Authenticate(s_suite, _signer.Priv, WireFormat.PublicMessage, joinerProposal, _context);
        OpenPublic(new PublicMessage(joinerProposal, signed.Auth, null), signatureKey: _signer.Pub).ShouldBe(UnprotectFailure.NotAllowed);

        FramedContent externalProposal = new(_context.GroupId, _context.Epoch, Sender.External(0), [], new RemoveProposal(0));
        signed = ContentSignature.Authenticate(s_suite, _signer.Priv, WireFormat.PublicMessage, externalProposal, _context);
        PublicMessage allowed = PublicMessageProtection.Protect(s_suite, signed, _context, _membershipKey);
        allowed.MembershipTag.ShouldBeNull();
        OpenPublic(allowed, signatureKey: _signer.Pub).ShouldBe(UnprotectFailure.None);
    }

    [Fact]
    public void A_member_or_joining_committer_signs_the_group_context_and_an_external_proposer_does_not()
    {
        GroupContext otherTree = _context with { TreeHash = RandomNumberGenerator.GetBytes(32) };
        foreach ((Sender sender, FramedContent content, bool bindsContext) in new[]
        {
            (Sender.Member(1), new FramedContent(_context.GroupId, _context.Epoch, Sender.Member(1), [], new RemoveProposal(0)), true),
            (Sender.NewMemberCommit, new FramedContent(_context.GroupId, _context.Epoch, Sender.NewMemberCommit, [], new Commit([], null)), true),
            (Sender.External(0), new FramedContent(_context.GroupId, _context.Epoch, Sender.External(0), [], new RemoveProposal(0)), false),
            (Sender.NewMemberProposal, new FramedContent(_context.GroupId, _context.Epoch, Sender.NewMemberProposal, [], new RemoveProposal(0)), false),
        })
        {
            AuthenticatedContent signed = ContentSignature.Authenticate(s_suite, _signer.Priv, WireFormat.PublicMessage, content, _context, _ => new byte[32]);
            ContentSignature.Verify(s_suite, _signer.Pub, signed, _context).ShouldBeTrue(sender.Type.ToString());
            ContentSignature.Verify(s_suite, _signer.Pub, signed, otherTree).ShouldBe(!bindsContext, sender.Type.ToString());
            AuthenticatedContent asPrivate = new(WireFormat.PrivateMessage, signed.Content, signed.Auth);
            ContentSignature.Verify(s_suite, _signer.Pub, asPrivate, _context).ShouldBeFalse($"{sender.Type}: the wire format is signed");
        }
    }

    private PrivateMessage SealApplication(byte[] data, uint generation, int padding = 0, byte[]? reuseGuard = null)
    {
        FramedContent content = new(_context.GroupId, _context.Epoch, Sender.Member(1), [], data);
        AuthenticatedContent authenticated = ContentSignature.Authenticate(s_suite, _signer.Priv, WireFormat.PrivateMessage, content, _context);
        if (!_keys.TryGet(1, ContentType.Application, generation, out byte[] key, out byte[] nonce))
        {
            // Past what the receiver's tree gives: any key will do, the receiver must refuse before using one.
            key = new byte[16];
            nonce = new byte[12];
        }

        return PrivateMessageProtection.Protect(s_suite, authenticated, _senderDataSecret, generation, key, nonce, padding, reuseGuard);
    }

    /// <summary>Seals fresh sender data (leaf 1, <paramref name="generation"/>, a zero reuse guard) for the message's ciphertext.</summary>
    private PrivateMessage ResealSenderData(PrivateMessage message, uint generation)
    {
        ReadOnlySpan<byte> sample = message.Ciphertext.AsSpan(0, Math.Min(message.Ciphertext.Length, s_suite.HashLength));
        byte[] key = s_suite.ExpandWithLabel(_senderDataSecret, "key", sample, s_suite.AeadKeyLength);
        byte[] nonce = s_suite.ExpandWithLabel(_senderDataSecret, "nonce", sample, s_suite.AeadNonceLength);
        byte[] aad = MlsWriter.Encode(w =>
        {
            w.Opaque(message.GroupId);
            w.U64(message.Epoch);
            w.U8((byte)message.ContentType);
        });
        return message with { EncryptedSenderData = s_suite.Seal(key, nonce, aad, new SenderData(1, generation, [0, 0, 0, 0]).Encode()) };
    }

    private UnprotectFailure Open(PrivateMessage message)
    {
        PrivateMessageProtection.TryUnprotect(s_suite, message, _context, _senderDataSecret, _keys.TryGet, SignatureKeyOf, out _, out UnprotectFailure failure);
        return failure;
    }

    private UnprotectFailure OpenPublic(PublicMessage message, GroupContext? context = null, byte[]? signatureKey = null)
    {
        Func<FramedContent, byte[]?> keyOf = signatureKey is null ? SignatureKeyOf : _ => signatureKey;
        PublicMessageProtection.TryUnprotect(s_suite, message, context ?? _context, _membershipKey, keyOf, out _, out UnprotectFailure failure);
        return failure;
    }

    private byte[]? SignatureKeyOf(FramedContent content) => content.Sender == Sender.Member(1) ? _signer.Pub : null;
}
