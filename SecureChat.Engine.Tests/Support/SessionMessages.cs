using System.Text;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Tests.Support;

/// <summary>
/// Chat messages for tests of the session and the record layer, which need messages but not MLS: a client's
/// GroupMessage or a hub's GroupRelay (from <see cref="SessionPair.OperatorDigest"/>, named "hub") whose <c>mls</c>
/// field holds a text's UTF-8 bytes as an opaque payload (the record layer reads no payload), and the texts a
/// <see cref="GroupRecordRecorder"/> got that way back.
/// </summary>
internal static class SessionMessages
{
    public const string Room = "#lobby";

    /// <summary>Seals <paramref name="text"/> (1 byte or more) as this side's message record: a GroupMessage from a client, a GroupRelay from a hub.</summary>
    public static void SendText(this ChatChannel chat, string text, string room = Room)
    {
        byte[] payload = Encoding.UTF8.GetBytes(text);
        if (chat.Session.Role == Engine.Session.SessionRole.Client)
        {
            chat.Groups.SendGroupMessage(GroupTarget.ForRoom(room), payload);
        }
        else
        {
            chat.Groups.SendGroupRelay(GroupTarget.ForRoom(room), SessionPair.OperatorDigest, "hub", payload);
        }
    }

    /// <summary>The texts of the GroupMessages the hub's side received, in order.</summary>
    public static List<string> AtHub(this GroupRecordRecorder recorder) =>
        [.. recorder.Of<GroupMessageRecord>().Select(m => Encoding.UTF8.GetString(m.Mls))];

    /// <summary>The texts of the GroupRelays the client's side received, in order.</summary>
    public static List<string> AtClient(this GroupRecordRecorder recorder) =>
        [.. recorder.Of<GroupRelayRecord>().Select(m => Encoding.UTF8.GetString(m.Mls))];
}
