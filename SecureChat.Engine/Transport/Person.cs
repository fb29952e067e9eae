namespace SecureChat.Engine.Transport;

/// <summary>
/// Whom a direct message is for: an identity fingerprint (<see cref="Identity"/>, as the engine formats it), which
/// wins when set, so a rename cannot redirect a conversation; otherwise the name the hub resolves. Immutable.
/// </summary>
public readonly record struct Person(string Name, string? Identity = null);
