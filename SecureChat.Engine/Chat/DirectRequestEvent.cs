using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Chat;

/// <summary>Hub side: a client sent a direct message to a person (an identity, or a name to resolve).</summary>
internal sealed record DirectRequestEvent(PersonRef To, string Text) : SessionEvent;
