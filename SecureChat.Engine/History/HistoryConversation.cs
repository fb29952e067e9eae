namespace SecureChat.Engine.History;

/// <summary>
/// One conversation of the history: a room (<c>#name</c>) or a direct conversation (the peer's name) on the hub
/// whose identity fingerprint is <see cref="Hub"/>, so that #lobby on two servers are two conversations. Names are
/// compared as given: the caller passes the canonical spelling (the hub's room key, the peer's name).
/// </summary>
public sealed record HistoryConversation(string Hub, string Name)
{
    public string Hub { get; } = Hub ?? throw new ArgumentNullException(nameof(Hub));

    public string Name { get; } = string.IsNullOrEmpty(Name) ? throw new ArgumentException("a room or peer name", nameof(Name)) : Name;

    /// <summary>True for a room; false for a direct conversation with the peer <see cref="Name"/>.</summary>
    public bool IsRoom => Name.StartsWith('#');
}
