namespace SecureChat.Engine.Transport;

/// <summary>What a client asks the hub to do about a room (PROTOCOL.md, "Requests"); the byte is the wire's op.</summary>
public enum RoomOp : byte
{
    Join = 1,
    Part = 2,
    List = 3,
    Topic = 4,
    Invite = 5,
    Mode = 6,
    Kick = 7,
    Ban = 8,
    Unban = 9,
    Mute = 10,
    Unmute = 11,
    Op = 12,
    Deop = 13,

    /// <summary>Version 4: a person's key package, to start a direct conversation (PROTOCOL.md 4.8).</summary>
    KeyPackage = 14,

    /// <summary>Version 4: this client holds no usable state of the room's group; remove and add it again.</summary>
    Resync = 15,
}
