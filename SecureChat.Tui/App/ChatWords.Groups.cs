using SecureChat.Engine.Groups;
using SecureChat.Engine.Transport;

namespace SecureChat.Tui.App;

/// <summary>The words about end-to-end encrypted groups (PROTOCOL.md 4.9, "What it shows"): one line per notice.</summary>
internal abstract partial class ChatWords
{
    /// <summary>
    /// A group notice, <paramref name="actor"/> and <paramref name="subject"/> being the names the model knows for
    /// the identities (their fingerprints when it knows none); the fingerprint of the one added or removed is always shown.
    /// </summary>
    public ChatLine Group(GroupEventNotice notice, string? actor, string? subject)
    {
        string text = notice.Kind switch
        {
            GroupNoticeKind.MemberAdded => $"encryption: {subject} (identity {notice.Subject}) was added by {actor}",
            GroupNoticeKind.MemberRemoved => $"encryption: {subject} (identity {notice.Subject}) was removed by {actor}",
            GroupNoticeKind.Joined => $"encryption: {notice.Text}",
            GroupNoticeKind.Dropped => $"encryption: a message was dropped: {notice.Text}",
            GroupNoticeKind.Holding => $"encryption: sending held: {notice.Text}",
            GroupNoticeKind.Released => $"encryption: sending released: {notice.Text}",
            GroupNoticeKind.Forked => $"encryption: the group forked: {notice.Text}",
            GroupNoticeKind.RosterMismatch => $"encryption: the group's members differ from the room's: {notice.Text}",
            _ => $"encryption: {notice.Text}",
        };
        bool warning = notice.Kind is GroupNoticeKind.Dropped or GroupNoticeKind.Forked or GroupNoticeKind.RosterMismatch or GroupNoticeKind.NotStarted;
        return (warning ? ChatLine.Error(text) : ChatLine.Notice(text)) with
        {
            Event = "group",
            Fields =
            [
                ChatLine.Field("kind", KindWord(notice.Kind)),
                ChatLine.Field("room", notice.Room),
                ChatLine.Field("person", notice.Person),
                ChatLine.Field("by", notice.Actor),
                ChatLine.Field("identity", notice.Subject),
            ],
        };
    }

    private static string KindWord(GroupNoticeKind kind) => kind switch
    {
        GroupNoticeKind.MemberAdded => "added",
        GroupNoticeKind.MemberRemoved => "removed",
        GroupNoticeKind.Joined => "joined",
        GroupNoticeKind.Dropped => "dropped",
        GroupNoticeKind.Holding => "held",
        GroupNoticeKind.Released => "released",
        GroupNoticeKind.Forked => "forked",
        GroupNoticeKind.RosterMismatch => "mismatch",
        GroupNoticeKind.Left => "left",
        _ => "not started",
    };
}
