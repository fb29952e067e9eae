using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Chat;

/// <summary>
/// Client side: the hub answered a request (<see cref="Op"/> 1-13), a direct message (0x20) or a room message (0x21);
/// <see cref="Digest"/> and <see cref="Name"/> are the person it is about (all zero and empty when nobody).
/// </summary>
internal sealed record ReplyEvent(ReplyCode Code, byte Op, string Room, byte[] Digest, string Name, string Text) : SessionEvent;
