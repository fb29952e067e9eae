namespace SecureChat.Engine.Protocol;

/// <summary>
/// The first byte of every frame. 0x01-0x05, 0x07 and 0x0F are handshake messages in the clear; ServerAuth and
/// ClientAuth (0x08, 0x09) end the handshake sealed under the new keys; 0x10-0x28 and 0x2F are records, sealed under
/// the session keys (the type is authenticated by the record MAC). Every other value is unassigned, 0x10, 0x17, 0x19
/// and 0x1A among them: version 3's Chat, Relay, Direct and DirectRelay, whose numbers version 4 never reuses (its
/// messages travel in MLS groups through the records from 0x20 on, PROTOCOL.md 4.1).
/// </summary>
internal enum FrameType : byte
{
    ClientHello = 0x01,
    ServerHello = 0x02,
    Commit = 0x03,
    KeyShare = 0x04,
    Reveal = 0x05,
    Puzzle = 0x07,
    ServerAuth = 0x08,
    ClientAuth = 0x09,
    Alert = 0x0F,

    Nick = 0x11,
    Presence = 0x12,
    RekeyInit = 0x13,
    RekeyAck = 0x14,
    RekeyFinish = 0x15,
    Close = 0x16,
    Heartbeat = 0x18,
    Ack = 0x1B,
    Request = 0x1C,
    RoomEvent = 0x1D,
    RoomInfo = 0x1E,
    Reply = 0x1F,

    KeyPackages = 0x20,
    GroupTask = 0x21,
    GroupCommit = 0x22,
    CommitResult = 0x23,
    CommitRelay = 0x24,
    WelcomeRelay = 0x25,
    GroupMessage = 0x26,
    GroupRelay = 0x27,
    KeyPackageRelay = 0x28,
    Part = 0x2F,
}
