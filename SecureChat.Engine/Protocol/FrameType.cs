namespace SecureChat.Engine.Protocol;

/// <summary>
/// The first byte of every frame. 0x01-0x0F are handshake messages in the clear; 0x10-0x1F are records,
/// sealed under the session keys (the type is authenticated by the record MAC).
/// </summary>
internal enum FrameType : byte
{
    ClientHello = 0x01,
    ServerHello = 0x02,
    Commit = 0x03,
    KeyShare = 0x04,
    Reveal = 0x05,
    Finished = 0x06,
    Alert = 0x0F,

    Chat = 0x10,
    Nick = 0x11,
    Presence = 0x12,
    RekeyInit = 0x13,
    RekeyAck = 0x14,
    RekeyFinish = 0x15,
    Close = 0x16,
}
