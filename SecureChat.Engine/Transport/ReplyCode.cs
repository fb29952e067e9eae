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

    /// <summary>Version 4: a GroupMessage's group id or epoch is not the group's current one; it reached nobody.</summary>
    StaleEpoch = 12,

    /// <summary>Version 4: a key package of a KeyPackages record failed the hub's checks.</summary>
    BadKeyPackage = 13,

    /// <summary>Version 4: the hub holds no key package of the person asked for.</summary>
    NoKeyPackage = 14,

    /// <summary>Version 4: the hub holds fewer than 3 unused key packages of the client.</summary>
    FewKeyPackages = 15,
}
