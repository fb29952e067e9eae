using SecureChat.Engine.Mls.Codec;
using SecureChat.Engine.Mls.Messages;

namespace SecureChat.Engine.Hub.Groups;

/// <summary>
/// The hub's check of a GroupMessage (PROTOCOL.md 4.8) on the fields it can read without keys: one PrivateMessage of
/// content type application, from an identity that holds a leaf of the group and is not about to be removed, not
/// muted, whose <c>group_id</c> and <c>epoch</c> are the group's current ones. Stateless and thread-safe.
/// </summary>
internal static class MessageCheck
{
    public static MessageVerdict Check(DeliveryGroup? group, string sender, ReadOnlySpan<byte> message, bool muted)
    {
        PrivateMessage? privateMessage;
        try
        {
            privateMessage = MlsMessage.Decode(message).PrivateMessage;
        }
        catch (MlsFormatException)
        {
            return MessageVerdict.Violation;
        }

        if (privateMessage is null || privateMessage.ContentType != ContentType.Application)
        {
            return MessageVerdict.Violation;
        }

        if (group is null || !group.IsActiveMember(sender))
        {
            return MessageVerdict.NotMember;
        }

        if (muted)
        {
            return MessageVerdict.Muted;
        }

        return privateMessage.Epoch == group.Epoch && privateMessage.GroupId.AsSpan().SequenceEqual(group.GroupId)
            ? MessageVerdict.Relay
            : MessageVerdict.StaleEpoch;
    }

    /// <summary>Who gets a relayed message: every other member with a leaf that is not about to be removed.</summary>
    public static List<string> Recipients(DeliveryGroup group, string sender) =>
        [.. group.Roster.Members.Where(m => m != sender && !group.IsPendingRemoval(m))];
}
