namespace SecureChat.Engine.Hub;

/// <summary>
/// The identities banned from each room, by room key (<see cref="Chat.RoomName.Key"/>) and identity digest, kept while the
/// room is gone and across restarts when backed by a file (<see cref="RoomBanFile"/>). Called under the hub's lock, so
/// an implementation answers from memory. Implementations are thread-safe.
/// </summary>
internal interface IRoomBans
{
    bool IsBanned(string roomKey, ReadOnlySpan<byte> digest);

    /// <summary>Bans the identity from the room; false when it already was (or no more bans can be kept).</summary>
    bool Add(string roomKey, ReadOnlySpan<byte> digest);

    /// <summary>Lifts the ban; false when there was none.</summary>
    bool Remove(string roomKey, ReadOnlySpan<byte> digest);
}
