using Microsoft.Extensions.Time.Testing;
using SecureChat.Engine.Hub.Store;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Hub.Store;

/// <summary>The delivery service's state in the hub's store: what it reloads after a restart.</summary>
public sealed class HubStoreStateTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void A_groups_roster_with_blank_leaves_and_its_seniority_are_reloaded_as_saved()
    {
        var lobby = new StoredGroup("#lobby", [1, 2, 3, 4], 17, ["AA", null, "CC", "DD"], ["AA", "DD", "CC"]);
        var direct = new StoredGroup("AA/BB", [9, 9], 1, ["AA", "BB"], ["AA", "BB"]);
        using (HubStore store = HubStore.Open(_directory.Path))
        {
            store.SaveGroup(lobby with { Epoch = 16 });
            store.SaveGroup(direct);
            store.SaveGroup(lobby);
        }

        using HubStore again = HubStore.Open(_directory.Path);
        IReadOnlyList<StoredGroup> groups = again.LoadGroups();
        groups.Count.ShouldBe(2);
        groups[0].ShouldSatisfyAllConditions(
            g => g.Key.ShouldBe("#lobby"),
            g => g.GroupId.ShouldBe(lobby.GroupId),
            g => g.Epoch.ShouldBe(17UL),
            g => g.Leaves.ShouldBe(lobby.Leaves),
            g => g.Seniority.ShouldBe(lobby.Seniority));
        groups[1].Leaves.ShouldBe(direct.Leaves);
        again.DropGroup("AA/BB");
        again.LoadGroups().Single().Key.ShouldBe("#lobby");
    }

    [Fact]
    public void Room_members_are_reloaded_earliest_first_and_a_removed_one_loses_its_place_in_the_log()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
        using (HubStore store = HubStore.Open(_directory.Path, new HubStoreOptions { Time = time }))
        {
            store.AddRoomMember("#lobby", "ZZ");
            time.Advance(TimeSpan.FromSeconds(1));
            store.AddRoomMember("#ops", "BB");
            store.AddRoomMember("#lobby", "BB");
            time.Advance(TimeSpan.FromSeconds(1));
            store.AddRoomMember("#lobby", "ZZ");
            store.AddRoomMember("#lobby", "AA");
            store.SetReader("#ops", "BB", 4);
            store.RemoveRoomMember("#ops", "BB");
        }

        using HubStore again = HubStore.Open(_directory.Path);
        IReadOnlyDictionary<string, IReadOnlyList<string>> members = again.RoomMembers();
        members.Keys.ShouldBe(["#lobby"]);
        members["#lobby"].ShouldBe(["ZZ", "BB", "AA"]);
        again.Readers("#ops").ShouldBeEmpty();
    }
}
