namespace SecureChat.Engine.Transport;

/// <summary>
/// Whom a client's direct message is for: an identity digest (which wins when set, so a rename cannot redirect a
/// conversation) or a name the hub is asked to resolve (a Request <c>key package</c> by name). Immutable.
/// </summary>
internal readonly record struct PersonRef(string Name, byte[]? Digest);
