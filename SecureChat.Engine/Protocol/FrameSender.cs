namespace SecureChat.Engine.Protocol;

/// <summary>Which side may send a frame type (PROTOCOL.md 2, the "phase" column).</summary>
internal enum FrameSender
{
    Client,
    Server,
    Either,
}
