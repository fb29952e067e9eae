namespace SecureChat.Engine.Hub;

/// <summary>
/// Everything a hub knows about its members and rooms, behind one lock (<see cref="Gate"/>): members by id and by
/// identity, rooms by key, and the names. The router's parts (<see cref="HubRouter"/>, <see cref="RoomEntry"/>,
/// <see cref="RoomModeration"/>) change it only under that lock, and tell the members what changed under it too, so
/// what a member is told arrives in the order the changes happened. Not thread-safe by itself: every use holds
/// <see cref="Gate"/>.
/// </summary>
internal sealed class HubState
{
    public HubState(HubSettings settings)
    {
        Settings = settings;
        Names = new HubNames(settings);
        Lobby = new Room(Transport.ChatEndpoint.Lobby, Chat.RoomName.Key(Transport.ChatEndpoint.Lobby));
        Rooms[Lobby.Key] = Lobby;
        Groups = new Groups.DeliveryService(new Groups.DeliveryOptions { TaskTimeout = settings.TaskTimeout, Time = settings.Time }, Gate, new HubGroupOutput(this));
    }

    /// <summary>The digest of nobody (an empty target).</summary>
    public static readonly byte[] Nobody = new byte[Crypto.IdentityFingerprint.DigestSize];

    public object Gate { get; } = new();

    /// <summary>Away members whose queue for a group passed <see cref="HubSettings.AwayQueueBytes"/>, for the router to remove (thread-safe).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<(HubMember Member, Protocol.GroupTarget Target)> Overflows { get; } = new();

    public HubSettings Settings { get; }

    public HubNames Names { get; }

    /// <summary>The MLS delivery service: key packages, each group's roster and order of commits (PROTOCOL.md 4.8).</summary>
    public Groups.DeliveryService Groups { get; }

    /// <summary>The last name of each identity seen, for what the hub says about one that has no link now.</summary>
    public Dictionary<string, string> LastNames { get; } = new(StringComparer.Ordinal);

    /// <summary>The room that always exists, which every member enters on connect.</summary>
    public Room Lobby { get; }

    public Dictionary<int, HubMember> Members { get; } = [];

    /// <summary>The links of each identity (by <see cref="HubMember.Identity"/>), for direct messages and moderation.</summary>
    public Dictionary<string, List<HubMember>> ByIdentity { get; } = new(StringComparer.Ordinal);

    /// <summary>Rooms by key (<see cref="Chat.RoomName.Key"/>).</summary>
    public Dictionary<string, Room> Rooms { get; } = new(StringComparer.Ordinal);

    public void Add(HubMember member)
    {
        Members[member.Id] = member;
        if (!ByIdentity.TryGetValue(member.Identity, out List<HubMember>? links))
        {
            ByIdentity[member.Identity] = links = [];
        }

        links.Add(member);
    }

    public void Remove(HubMember member)
    {
        LastNames[member.Identity] = member.Name;
        Members.Remove(member.Id);
        if (ByIdentity.TryGetValue(member.Identity, out List<HubMember>? links) && links.Remove(member) && links.Count == 0)
        {
            ByIdentity.Remove(member.Identity);
        }
    }

    /// <summary>The live links of an identity (hex digest), oldest first; empty when it has none.</summary>
    public IReadOnlyList<HubMember> LinksOf(string identity) => ByIdentity.GetValueOrDefault(identity) ?? (IReadOnlyList<HubMember>)[];

    /// <summary>The name an identity goes by now: its link's, else the last one it had.</summary>
    public string NameOf(string identity) =>
        ByIdentity.TryGetValue(identity, out List<HubMember>? links) ? links[0].Name : LastNames.GetValueOrDefault(identity, "?");

    /// <summary>True with the room's key (<see cref="Chat.RoomName.Key"/>) when <paramref name="name"/> is a valid room name as it stands.</summary>
    public static bool TryKey(string name, out string key)
    {
        bool valid = Chat.RoomName.IsValid(name);
        key = valid ? Chat.RoomName.Key(name) : string.Empty;
        return valid;
    }

    /// <summary>The room named like <paramref name="name"/> (a valid room name), or null.</summary>
    public Room? Find(string name) => HubState.TryKey(name, out string key) ? Rooms.GetValueOrDefault(key) : null;

    /// <summary>Forgets a room that has no members left (its topic, mode and invitations go with it; bans stay); never <c>#lobby</c>.</summary>
    public void DropIfEmpty(Room room)
    {
        if (room.Count == 0 && room != Lobby)
        {
            Rooms.Remove(room.Key);
            Groups.DropRoom(room.Key);
        }
    }

    /// <summary>Every other member that shares at least one room with <paramref name="member"/>, each once, in a stable order.</summary>
    public List<HubMember> Sharers(HubMember member)
    {
        var seen = new HashSet<int> { member.Id };
        List<HubMember> sharers = [];
        foreach (Room room in member.Rooms)
        {
            foreach (HubMember other in room.Members)
            {
                if (seen.Add(other.Id))
                {
                    sharers.Add(other);
                }
            }
        }

        return sharers;
    }

    /// <summary>Answers <paramref name="member"/> (a Reply record), about a room and a person when given.</summary>
    public static void Reply(HubMember member, Transport.ReplyCode code, byte op, string room, byte[]? digest = null, string name = "", string text = "")
    {
        member.LastReply = code;
        member.Output.SendReply(code, op, room, digest ?? Nobody, name, text);
    }
}
