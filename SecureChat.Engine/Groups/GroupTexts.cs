using System.Text;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Groups;

/// <summary>
/// Reading a GroupRelay (PROTOCOL.md 4.9): the PrivateMessage is opened in this member's epoch, its sender leaf must
/// carry the identity the hub named, and its application data must be UTF-8 of at most 16,222 bytes; anything else is
/// dropped with a notice saying why, and nothing of it is shown. Not thread-safe (the book's caller serialises).
/// </summary>
internal sealed class GroupTexts(GroupBook book)
{
    /// <summary>GroupRelay: decrypted, the sender leaf checked against the digest the hub named, the text checked.</summary>
    public void Relay(GroupRelayRecord record)
    {
        MemberGroup? group = book.Find(record.Target);
        if (group?.State is not { } state)
        {
            book.Dropped(record.Target, $"a message from {record.Name} could not be read: this member holds no keys of the group yet");
            return;
        }

        if (!GroupBook.TryDecode(record.Mls, out MlsMessage? message))
        {
            book.Dropped(record.Target, $"a message from {record.Name} could not be read: it does not decode");
            return;
        }

        if (!ApplicationMessages.TryUnprotect(state, message, out byte[]? plaintext, out uint senderLeaf, out string failure))
        {
            book.Dropped(record.Target, $"a message from {record.Name} could not be read: {failure}");
            return;
        }

        byte[]? sender = TreeIdentities.DigestAt(state.Tree, senderLeaf);
        if (sender is null || !sender.AsSpan().SequenceEqual(record.Digest))
        {
            string who = sender is null ? "nobody" : IdentityFingerprint.FromDigest(sender);
            book.Dropped(record.Target, $"a message the hub said was from {record.Name} ({IdentityFingerprint.FromDigest(record.Digest)}) was signed by {who}");
            return;
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(plaintext);
        }
        catch (DecoderFallbackException)
        {
            book.Dropped(record.Target, $"a message from {record.Name} is not UTF-8 text");
            return;
        }

        if (plaintext.Length > Protocol.WireFormat.ChatTextMax)
        {
            book.Dropped(record.Target, $"a message from {record.Name} is longer than {Protocol.WireFormat.ChatTextMax} bytes");
            return;
        }

        book.Deliver(new GroupTextReceived(record.Target, record.Digest.ToArray(), record.Name, text));
    }
}
