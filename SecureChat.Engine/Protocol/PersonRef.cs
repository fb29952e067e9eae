namespace SecureChat.Engine.Protocol;

/// <summary>
/// The <c>person</c> field of a Direct record: an identity digest (which wins when set, so a rename cannot redirect a
/// conversation) or a name the hub resolves among the connected members and its operator. Immutable.
/// </summary>
internal readonly record struct PersonRef(string Name, byte[]? Digest);
