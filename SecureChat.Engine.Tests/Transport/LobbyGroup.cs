using SecureChat.Engine.Groups;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Transport;

/// <summary>
/// Waits on real clients' view of <c>#lobby</c>'s MLS group (PROTOCOL.md 4.8): a client reads only the texts of the
/// epochs it was in, so a test whose texts every client must read sends them once all are in the group at one epoch.
/// </summary>
internal static class LobbyGroup
{
    /// <summary>Waits until every client is a member of #lobby's group, all at the same epoch (so all were added).</summary>
    public static Task InOneEpochAsync(params IReadOnlyList<ChatClient> clients) =>
        Eventually.True(
            () =>
            {
                var groups = clients.Select(c => c.GroupOf(GroupTarget.ForRoom(ChatEndpoint.Lobby))).ToList();
                return groups.All(g => g.Status == MemberGroupStatus.Member) && groups.Select(g => g.Epoch).Distinct().Count() == 1;
            },
            "every client in #lobby's group at one epoch",
            TimeSpan.FromSeconds(60));
}
