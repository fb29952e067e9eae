namespace SecureChat.Engine.Protocol;

/// <summary>What a RoomInfo record tells (PROTOCOL.md, "RoomInfo"); the byte is the wire's kind.</summary>
internal enum RoomInfoKind : byte
{
    /// <summary>The receiver is now in the room (flags: bit 0 invite-only, bit 1 it is the room's operator).</summary>
    Entered = 1,

    /// <summary>One room of an answer to List.</summary>
    Listed = 2,

    /// <summary>The end of an answer to List: no room, members = the number of rooms listed.</summary>
    ListEnd = 3,
}
