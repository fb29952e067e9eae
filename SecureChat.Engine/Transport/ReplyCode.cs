namespace SecureChat.Engine.Transport;

/// <summary>The hub's answer to a request, a direct message or a room message (PROTOCOL.md, "Reply").</summary>
public enum ReplyCode : byte
{
    /// <summary>A confirmation: a direct message addressed by name reached this identity; an invitation was delivered.</summary>
    Done = 0,
    NoSuchName = 1,
    NotConnected = 2,
    NotMember = 3,
    NotOperator = 4,
    Banned = 5,
    InviteOnly = 6,
    Muted = 7,
    BadRoomName = 8,
    TooManyRooms = 9,
    RateLimited = 10,
    CannotTarget = 11,
}
