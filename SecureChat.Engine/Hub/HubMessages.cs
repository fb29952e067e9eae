using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Hub;

/// <summary>
/// Room messages and direct messages (protocol v3, PROTOCOL.md 4.2): who may say what where, and to whom it goes.
/// The decision and the recipients are taken under the hub's lock (<see cref="HubState.Gate"/>); the sealing for
/// each recipient happens outside it, from the room's member array as of the message (<see cref="Room.Snapshot"/>),
/// so a hub of thousands does not hold its lock while it seals. Thread-safe.
/// </summary>
internal sealed class HubMessages(HubState state)
{
    /// <summary>Reply.op of the answer to a Direct.</summary>
    public const byte DirectOp = 0x20;

    /// <summary>Reply.op of the answer to a Chat.</summary>
    public const byte ChatOp = 0x21;

    /// <summary>
    /// A member's message to a room goes to every other member of it (Relay), never back; a member not in the room or
    /// muted there is told so and the message reaches nobody. Returns how many it was sealed for.
    /// </summary>
    public int Chat(HubMember from, string room, string text)
    {
        HubMember[] members;
        string roomName, name;
        lock (state.Gate)
        {
            if (!HubState.TryKey(room, out _))
            {
                HubState.Reply(from, ReplyCode.BadRoomName, ChatOp, room);
                return 0;
            }

            if (state.Find(room) is not { } target || !from.IsIn(target))
            {
                HubState.Reply(from, ReplyCode.NotMember, ChatOp, room);
                return 0;
            }

            if (target.IsMuted(from))
            {
                HubState.Reply(from, ReplyCode.Muted, ChatOp, target.Name);
                return 0;
            }

            (members, roomName, name) = (target.Snapshot(), target.Name, from.Name);
        }

        int sent = 0;
        foreach (HubMember member in members)
        {
            if (member != from && member.Output.SendRelay(roomName, from.Digest, name, text))
            {
                sent++;
            }
        }

        return sent;
    }

    /// <summary>
    /// A direct message to an identity (<paramref name="digest"/>) or, when that is null, to the member named
    /// <paramref name="name"/>: it goes to every link of that identity but the sender's (DirectRelay). Addressed by
    /// name, the sender is told whom it reached (Done with digest and name), so it can keep talking to that identity.
    /// Nobody by that name: NoSuchName; that identity has no link: NotConnected. Returns how many it was sealed for.
    /// </summary>
    public int Direct(HubMember from, byte[]? digest, string name, string text)
    {
        HubMember[] links;
        string sender;
        lock (state.Gate)
        {
            if (digest is null)
            {
                if (state.Names.Find(name) is not { } named)
                {
                    HubState.Reply(from, ReplyCode.NoSuchName, DirectOp, string.Empty, name: name);
                    return 0;
                }

                digest = named.Digest;
                HubState.Reply(from, ReplyCode.Done, DirectOp, string.Empty, named.Digest, named.Name);
            }

            if (!state.ByIdentity.TryGetValue(Convert.ToHexString(digest), out List<HubMember>? found))
            {
                HubState.Reply(from, ReplyCode.NotConnected, DirectOp, string.Empty, digest, name);
                return 0;
            }

            (links, sender) = ([.. found], from.Name);
        }

        int sent = 0;
        foreach (HubMember link in links)
        {
            if (link != from && link.Output.SendDirectRelay(from.Digest, sender, text))
            {
                sent++;
            }
        }

        return sent;
    }
}
