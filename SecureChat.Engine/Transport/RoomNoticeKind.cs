namespace SecureChat.Engine.Transport;

/// <summary>
/// What a <see cref="RoomNotice"/> tells: the wire's RoomEvent kinds (1-10, PROTOCOL.md), and what a RoomInfo tells
/// (<see cref="Entered"/>, <see cref="Listed"/>, <see cref="ListEnd"/>).
/// </summary>
public enum RoomNoticeKind
{
    Topic = 1,
    Mode = 2,
    Kicked = 3,
    Banned = 4,
    Unbanned = 5,
    Muted = 6,
    Unmuted = 7,
    Opped = 8,
    Deopped = 9,

    /// <summary>Sent to the invitee only: <see cref="RoomNotice.Actor"/> invited this side into the room.</summary>
    Invited = 10,

    /// <summary>This side is now in the room (its members follow as presence notices).</summary>
    Entered = 100,

    /// <summary>One room of a <c>/list</c> answer.</summary>
    Listed = 101,

    /// <summary>The end of a <c>/list</c> answer (<see cref="RoomNotice.Members"/> is the number of rooms listed).</summary>
    ListEnd = 102,
}
