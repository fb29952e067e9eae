namespace SecureChat.Engine.Hub.Groups;

/// <summary>
/// Which group the hub means (PROTOCOL.md 4.8): a room's (by its room key) or a direct conversation's, keyed by the
/// unordered pair of identities (hex identity digests, the smaller first), so either person names the same group.
/// Immutable.
/// </summary>
internal readonly record struct GroupKey(string RoomKey, string? First, string? Second)
{
    public bool IsDirect => First is not null;

    public static GroupKey ForRoom(string roomKey) => new(roomKey, null, null);

    public static GroupKey ForPair(string a, string b) =>
        string.CompareOrdinal(a, b) <= 0 ? new(string.Empty, a, b) : new(string.Empty, b, a);

    /// <summary>The other person of a direct conversation, seen from <paramref name="identity"/>.</summary>
    public string OtherThan(string identity) => First == identity ? Second! : First!;

    public override string ToString() => IsDirect ? $"{First}/{Second}" : RoomKey;
}
