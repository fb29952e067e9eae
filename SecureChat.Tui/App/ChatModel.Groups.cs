using SecureChat.Engine.Transport;

namespace SecureChat.Tui.App;

/// <summary>The end-to-end encrypted groups' notices, each one line in the window of its room or conversation.</summary>
internal sealed partial class ChatModel
{
    private void OnGroupChanged(GroupEventNotice notice) => Locked(() =>
    {
        string window = notice.Room is { } room ? RoomWindow(room)
            : notice.Person is { } person && _windows.Query(person) is { } query ? query.Key
            : WindowInfo.StatusKey;
        _view.Show(_words.Group(notice, NameOfIdentity(notice.Actor), NameOfIdentity(notice.Subject)) with { Window = window });
    });

    /// <summary>The name the hub last gave an identity here, or the fingerprint itself.</summary>
    private string? NameOfIdentity(string? identity) =>
        identity is null ? null
        : identity == OwnIdentity ? "you"
        : _members.FirstOrDefault(pair => pair.Value == identity).Key ?? identity;
}
