using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Transport;

/// <summary>The coalescing rules of <see cref="PresenceBacklog"/> (SECURITY.md, "Memory"), one per test.</summary>
public sealed class PresenceBacklogTests
{
    private const int Alice = 1;
    private const int Bob = 2;
    private static readonly byte[] s_digest = new byte[32];

    [Fact]
    public void Renames_of_the_same_person_in_a_row_collapse_into_one_from_the_first_to_the_last_name()
    {
        var backlog = new PresenceBacklog();
        backlog.Add(Hub(Alice, PresenceKind.Renamed, "alice", "a1"));
        backlog.Add(Hub(Alice, PresenceKind.Renamed, "a1", "a2"));
        backlog.Add(Hub(Alice, PresenceKind.Renamed, "a2", "a3"));

        backlog.HeldBytes.ShouldBe(PresenceBacklog.FrameSize(Hub(Alice, PresenceKind.Renamed, "alice", "a3")));
        Held(backlog).ShouldBe(["Renamed  alice a3"]);
    }

    [Fact]
    public void Answers_to_a_member_s_own_renames_are_never_merged()
    {
        var backlog = new PresenceBacklog();
        backlog.Add(Hub(Alice, PresenceKind.You, "a1"));
        backlog.Add(Hub(Alice, PresenceKind.You, "a2"));
        backlog.Add(Hub(Alice, PresenceKind.You, "a3"));

        backlog.HeldBytes.ShouldBe(PresenceBacklog.FrameSize(Hub(Alice, PresenceKind.You, "a1")) * 3);
        Held(backlog).ShouldBe(["You  a1 ", "You  a2 ", "You  a3 "]);
    }

    [Fact]
    public void Renaming_back_to_the_name_the_peer_knows_leaves_nothing_to_send()
    {
        var backlog = new PresenceBacklog();
        backlog.Add(Hub(Alice, PresenceKind.Renamed, "alice", "a1"));
        backlog.Add(Hub(Alice, PresenceKind.Renamed, "a1", "alice"));

        backlog.Count.ShouldBe(0);
        backlog.HeldBytes.ShouldBe(0);
    }

    [Fact]
    public void Notices_about_the_same_person_in_different_rooms_or_about_a_room_and_the_hub_never_merge()
    {
        var backlog = new PresenceBacklog();
        backlog.Add(InRoom(Alice, PresenceKind.Joined, "#a", "alice"));
        backlog.Add(InRoom(Alice, PresenceKind.Joined, "#b", "alice"));
        backlog.Add(Hub(Alice, PresenceKind.Renamed, "alice", "a1"));
        backlog.Add(InRoom(Alice, PresenceKind.Parted, "#a", "a1"));
        backlog.Add(Hub(Alice, PresenceKind.Left, "a1"));

        Held(backlog).ShouldBe(["Joined #a alice ", "Joined #b alice ", "Renamed  alice a1", "Parted #a a1 ", "Left  a1 "]);
    }

    [Fact]
    public void Left_after_a_held_rename_is_left_under_the_name_the_peer_knows()
    {
        var backlog = new PresenceBacklog();
        backlog.Add(Hub(Alice, PresenceKind.Renamed, "alice", "a1"));
        backlog.Add(Hub(Bob, PresenceKind.Renamed, "bob", "alice"));
        backlog.Add(Hub(Alice, PresenceKind.Left, "a1"));

        Held(backlog).ShouldBe(["Left  alice ", "Renamed  bob alice"]);
    }

    [Fact]
    public void A_rename_is_not_merged_past_a_later_notice_about_someone_else_so_no_two_people_share_a_name()
    {
        // Merging Alice's second rename into her first would name her "bob" while Bob still is.
        var backlog = new PresenceBacklog();
        backlog.Add(Hub(Alice, PresenceKind.Renamed, "alice", "a1"));
        backlog.Add(Hub(Bob, PresenceKind.Renamed, "bob", "b1"));
        backlog.Add(Hub(Alice, PresenceKind.Renamed, "a1", "bob"));

        Held(backlog).ShouldBe(["Renamed  alice a1", "Renamed  bob b1", "Renamed  a1 bob"]);
    }

    [Fact]
    public void Draining_hands_out_every_notice_in_order_and_leaves_the_backlog_empty()
    {
        var backlog = new PresenceBacklog();
        backlog.Add(InRoom(Alice, PresenceKind.Joined, "#lobby", "alice"));
        backlog.Add(Hub(Bob, PresenceKind.Left, "bob"));
        var sent = new List<PresenceKind>();

        backlog.Drain(n => sent.Add(n.Kind));

        sent.ShouldBe([PresenceKind.Joined, PresenceKind.Left]);
        backlog.Count.ShouldBe(0);
        backlog.HeldBytes.ShouldBe(0);
    }

    private static PresenceBacklog.Notice Hub(int subject, PresenceKind kind, string name, string text = "") =>
        new(subject, kind, string.Empty, s_digest, name, 0, text);

    private static PresenceBacklog.Notice InRoom(int subject, PresenceKind kind, string room, string name) =>
        new(subject, kind, room, s_digest, name, 0, string.Empty);

    private static List<string> Held(PresenceBacklog backlog)
    {
        var held = new List<string>();
        backlog.Drain(n => held.Add($"{n.Kind} {n.Room} {n.Name} {n.Text}"));
        return held;
    }
}
