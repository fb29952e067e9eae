using System.Diagnostics.CodeAnalysis;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Mls.Framing;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Mls.Schedule;

namespace SecureChat.Engine.Mls.Group;

/// <summary>
/// Application messages of a group (RFC 9420 sections 6.3 and 9): sent as a PrivateMessage signed by the member,
/// sealed under the next key of its application ratchet in the epoch's secret tree, and padded to a multiple of
/// <see cref="PaddingBlock"/> bytes so that lengths say less about the text; read by opening the sender data, taking
/// that generation's key from the secret tree (used once, then deleted: a replay is refused), opening the content
/// and checking the signature under the sender's leaf. Only the current epoch's messages are read. Not thread-safe
/// (the secret tree ratchets).
/// </summary>
internal static class ApplicationMessages
{
    /// <summary>Content is padded to a multiple of this many bytes (section 6.3 leaves the policy to the sender).</summary>
    public const int PaddingBlock = 32;

    /// <summary>The PrivateMessage of <paramref name="plaintext"/>; its reuse guard from <paramref name="random"/> (the system's CSPRNG unless given).</summary>
    public static MlsMessage Protect(GroupState state, ReadOnlySpan<byte> plaintext, byte[]? authenticatedData = null, IRandomSource? random = null)
    {
        CipherSuite suite = state.Suite;
        var content = new FramedContent(state.GroupId, state.Epoch, Sender.Member(state.OwnLeaf), authenticatedData ?? [], plaintext.ToArray());
        AuthenticatedContent authenticated = ContentSignature.Authenticate(suite, state.SignaturePrivateKey, WireFormat.PrivateMessage, content, state.Context);
        var body = new Codec.MlsWriter(plaintext.Length + 80);
        content.WriteBody(body);
        authenticated.Auth.Write(body);
        int padding = (PaddingBlock - (body.Length % PaddingBlock)) % PaddingBlock;
        using RatchetKey key = state.SecretTree.NextKey(state.OwnLeaf, RatchetKind.Application);
        PrivateMessage message = PrivateMessageProtection.Protect(suite, authenticated, state.Secrets.SenderDataSecret, key.Generation, key.Key, key.Nonce, padding, random: random);
        return MlsMessage.Of(message);
    }

    public static bool TryUnprotect(GroupState state, MlsMessage message, [NotNullWhen(true)] out byte[]? plaintext, out uint senderLeaf, out string failure)
    {
        plaintext = null;
        senderLeaf = 0;
        if (message.PrivateMessage is not { } privateMessage || privateMessage.ContentType != ContentType.Application)
        {
            failure = "not an application message";
            return false;
        }

        bool Keys(uint leaf, ContentType type, uint generation, out byte[] key, out byte[] nonce)
        {
            key = nonce = [];
            if (leaf == state.OwnLeaf || state.Tree.GetLeaf(leaf) is null || !state.SecretTree.TryGetKey(leaf, RatchetKind.Application, generation, out RatchetKey? ratchetKey))
            {
                return false;
            }

            key = ratchetKey.Key;
            nonce = ratchetKey.Nonce;
            return true;
        }

        if (!PrivateMessageProtection.TryUnprotect(
                state.Suite, privateMessage, state.Context, state.Secrets.SenderDataSecret, Keys, framed => state.Tree.GetLeaf(framed.Sender.Index)?.SignatureKey, out AuthenticatedContent? content, out UnprotectFailure reason))
        {
            failure = UnprotectReasons.Describe(reason, privateMessage.Epoch, state.Epoch);
            return false;
        }

        plaintext = content.Content.ApplicationData!;
        senderLeaf = content.Content.Sender.Index;
        failure = "";
        return true;
    }
}
