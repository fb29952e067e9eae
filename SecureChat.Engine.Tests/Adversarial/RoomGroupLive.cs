using SecureChat.Engine.Crypto;
using SecureChat.Engine.Groups;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Tests.Hub;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>What live room-group tests ask of real clients' group books: who is in a room's group, at which epoch.</summary>
internal static class RoomGroupLive
{
    /// <summary>The identity digests (lower-case hex) in the member's group of <paramref name="room"/>, and its epoch; null without a group.</summary>
    public static (List<string> Members, ulong Epoch)? GroupAt(LiveMember member, string room) =>
        HubInside.GroupsOf(member.Client).Use(book => book.StateOf(GroupTarget.ForRoom(room)) is { } state
            ? ((List<string> Members, ulong Epoch)?)(TreeIdentities.HexDigests(state.Tree), state.Epoch)
            : null);

    public static string Hex(LiveMember member) => Convert.ToHexStringLower(IdentityFingerprint.IdentityDigest(member.Key.PublicKey));

    /// <summary>Waits until every one of <paramref name="members"/> holds the room's group with exactly them in it, at one epoch; returns it.</summary>
    public static Task<ulong> UntilGroupAsync(string room, params LiveMember[] members) => UntilGroupAsync(room, members, members);

    /// <summary>Waits until each of <paramref name="members"/> holds the room's group with exactly <paramref name="inGroup"/> in it, at one epoch.</summary>
    public static async Task<ulong> UntilGroupAsync(string room, LiveMember[] members, LiveMember[] inGroup)
    {
        string[] expected = [.. inGroup.Select(Hex).Order()];
        ulong epoch = 0;
        await Eventually.True(
            () =>
            {
                var at = members.Select(m => GroupAt(m, room)).ToList();
                if (at.Any(a => a is null) || at.Select(a => a!.Value.Epoch).Distinct().Count() != 1)
                {
                    return false;
                }

                epoch = at[0]!.Value.Epoch;
                return at.All(a => a!.Value.Members.Order().SequenceEqual(expected));
            },
            $"{string.Join(", ", members.Select(m => m.Client.Name))} to share {room}'s group",
            TimeSpan.FromSeconds(20));
        return epoch;
    }

    public static bool Any(this IEnumerable<GroupNotice> notices, GroupNoticeKind kind, string room) =>
        notices.Any(n => n.Kind == kind && n.Target.IsRoom && n.Target.Room == room);
}
