using System.Text.Json;
using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Framing;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Mls;

/// <summary>
/// message-protection.json (MLS working group test vectors, RFC 9420 sections 6.1-6.3), suite 1: the published
/// PublicMessages and PrivateMessages of a proposal, a commit and application data from leaf 1 unprotect to the raw
/// values; protecting the raw values here gives messages that unprotect the same way; application data is refused
/// as a PublicMessage.
/// </summary>
public sealed class MessageProtectionVectorTests
{
    private const string File = "mls/message-protection.json";
    private static readonly CipherSuite s_suite = CipherSuite.Suite1;

    [Fact]
    public void Every_suite_1_case_unprotects_the_published_messages_and_its_own()
    {
        using JsonDocument doc = VectorFiles.RequireJson(File, "MLS message protection");
        List<string> failures = [];
        int cases = 0, skipped = 0, index = -1;
        foreach (JsonElement test in doc.RootElement.EnumerateArray())
        {
            index++;
            if (test.GetProperty("cipher_suite").GetInt32() != 1)
            {
                skipped++;
                continue;
            }

            MessageProtectionCase c = new(test);
            foreach (ContentType type in new[] { ContentType.Proposal, ContentType.Commit, ContentType.Application })
            {
                foreach (string failure in c.Check(type))
                {
                    failures.Add($"case {index} {type}: {failure}");
                }
            }

            cases++;
        }

        VectorFiles.Report($"{File}: {cases} suite-1 cases checked (proposal, commit, application; public and private), {skipped} of other suites skipped");
        failures.ShouldBeEmpty();
        cases.ShouldBeGreaterThan(0);
    }

    /// <summary>One case of the file and the checks of its verification section.</summary>
    private sealed class MessageProtectionCase
    {
        private const uint SenderLeaf = 1;
        private readonly JsonElement _test;
        private readonly GroupContext _context;
        private readonly byte[] _signaturePriv;
        private readonly byte[] _signaturePub;
        private readonly byte[] _membershipKey;
        private readonly byte[] _senderDataSecret;
        private readonly TwoLeafMessageKeys _keys;

        public MessageProtectionCase(JsonElement test)
        {
            _test = test;
            _context = new GroupContext(ProtocolVersion.Mls10, 1, Bytes("group_id"), test.GetProperty("epoch").GetUInt64(), Bytes("tree_hash"), Bytes("confirmed_transcript_hash"), []);
            _signaturePriv = Bytes("signature_priv");
            _signaturePub = Bytes("signature_pub");
            _membershipKey = Bytes("membership_key");
            _senderDataSecret = Bytes("sender_data_secret");
            _keys = new TwoLeafMessageKeys(s_suite, Bytes("encryption_secret"));
        }

        public IEnumerable<string> Check(ContentType type)
        {
            string name = type.ToString().ToLowerInvariant();
            byte[] raw = Bytes(name);

            if (type != ContentType.Application)
            {
                PublicMessage published = MlsMessage.Decode(Bytes(name + "_pub")).PublicMessage!;
                if (!PublicMessageProtection.TryUnprotect(s_suite, published, _context, _membershipKey, SignatureKeyOf, out AuthenticatedContent? opened, out UnprotectFailure failure))
                {
                    yield return $"the published PublicMessage was refused: {failure}";
                }
                else if (!RawOf(opened).SequenceEqual(raw))
                {
                    yield return "the published PublicMessage opened to other content";
                }

                AuthenticatedContent own = Authenticate(type, raw, WireFormat.PublicMessage);
                PublicMessage sent = MlsMessage.Decode(MlsMessage.Of(PublicMessageProtection.Protect(s_suite, own, _context, _membershipKey)).Encode()).PublicMessage!;
                if (!PublicMessageProtection.TryUnprotect(s_suite, sent, _context, _membershipKey, SignatureKeyOf, out AuthenticatedContent? reopened, out failure))
                {
                    yield return $"a PublicMessage protected here was refused: {failure}";
                }
                else if (!RawOf(reopened).SequenceEqual(raw))
                {
                    yield return "a PublicMessage protected here opened to other content";
                }
            }
            else
            {
                AuthenticatedContent application = Authenticate(type, raw, WireFormat.PublicMessage);
                bool refused = false;
                try
                {
                    PublicMessageProtection.Protect(s_suite, application, _context, _membershipKey);
                }
                catch (InvalidOperationException)
                {
                    refused = true;
                }

                if (!refused)
                {
                    yield return "application data was protected as a PublicMessage";
                }
            }

            PrivateMessage publishedPrivate = MlsMessage.Decode(Bytes(name + "_priv")).PrivateMessage!;
            if (!PrivateMessageProtection.TryUnprotect(s_suite, publishedPrivate, _context, _senderDataSecret, _keys.TryGet, SignatureKeyOf, out AuthenticatedContent? decrypted, out UnprotectFailure privateFailure))
            {
                yield return $"the published PrivateMessage was refused: {privateFailure}";
            }
            else if (!RawOf(decrypted).SequenceEqual(raw) || decrypted.Content.Sender != Sender.Member(SenderLeaf))
            {
                yield return "the published PrivateMessage opened to other content or another sender";
            }

            AuthenticatedContent ownPrivate = Authenticate(type, raw, WireFormat.PrivateMessage);
            _keys.TryGet(SenderLeaf, type, 3, out byte[] key, out byte[] nonce);
            PrivateMessage sealedHere = PrivateMessageProtection.Protect(s_suite, ownPrivate, _senderDataSecret, 3, key, nonce, paddingLength: 17);
            PrivateMessage received = MlsMessage.Decode(MlsMessage.Of(sealedHere).Encode()).PrivateMessage!;
            if (!PrivateMessageProtection.TryUnprotect(s_suite, received, _context, _senderDataSecret, _keys.TryGet, SignatureKeyOf, out AuthenticatedContent? reopenedPrivate, out privateFailure))
            {
                yield return $"a PrivateMessage protected here was refused: {privateFailure}";
            }
            else if (!RawOf(reopenedPrivate).SequenceEqual(raw))
            {
                yield return "a PrivateMessage protected here opened to other content";
            }
        }

        private AuthenticatedContent Authenticate(ContentType type, byte[] raw, WireFormat wireFormat)
        {
            Sender sender = Sender.Member(SenderLeaf);
            FramedContent content = type switch
            {
                ContentType.Application => new FramedContent(_context.GroupId, _context.Epoch, sender, [], raw),
                ContentType.Proposal => new FramedContent(_context.GroupId, _context.Epoch, sender, [], Proposal.Decode(raw)),
                _ => new FramedContent(_context.GroupId, _context.Epoch, sender, [], Commit.Decode(raw)),
            };
            return ContentSignature.Authenticate(s_suite, _signaturePriv, wireFormat, content, _context, _ => new byte[s_suite.HashLength]);
        }

        private byte[]? SignatureKeyOf(FramedContent content) =>
            content.Sender == Sender.Member(SenderLeaf) ? _signaturePub : null;

        private static byte[] RawOf(AuthenticatedContent content) => content.Content.ContentType switch
        {
            ContentType.Application => content.Content.ApplicationData!,
            ContentType.Proposal => content.Content.Proposal!.Encode(),
            _ => content.Content.Commit!.Encode(),
        };

        private byte[] Bytes(string field) => Hex.Bytes(_test.GetProperty(field).GetString()!);
    }
}
