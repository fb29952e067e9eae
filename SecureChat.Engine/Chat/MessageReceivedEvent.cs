using SecureChat.Engine.Session;

namespace SecureChat.Engine.Chat;

/// <summary>
/// A message arrived. Hub side: a client's Chat (<see cref="Room"/> as the client wrote it, empty sender, no digest).
/// Client side: a Relay (a room message, <see cref="Room"/> set) or a DirectRelay (<see cref="Direct"/>, no room), with
/// the sender's name and identity digest as the hub vouches for them.
/// </summary>
internal sealed record MessageReceivedEvent(string Sender, string Text, byte[]? SenderDigest, string Room, bool Direct) : SessionEvent;
