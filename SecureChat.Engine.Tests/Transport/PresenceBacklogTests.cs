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
        backlog.Add(Alice, PresenceKind.Renamed, s_digest, "alice", "a1");
        backlog.Add(Alice, PresenceKind.Renamed, s_digest, "a1", "a2");
        backlog.Add(Alice, PresenceKind.Renamed, s_digest, "a2", "a3");

        backlog.HeldBytes.ShouldBe(PresenceBacklog.FrameSize(PresenceKind.Renamed, "alice", "a3"));
        Held(backlog).ShouldBe(["Renamed alice a3"]);
    }

    [Fact]
    public void Answers_to_a_member_s_own_renames_are_never_merged()
    {
        var backlog = new PresenceBacklog();
        backlog.Add(Alice, PresenceKind.You, s_digest, "a1", string.Empty);
        backlog.Add(Alice, PresenceKind.You, s_digest, "a2", string.Empty);
        backlog.Add(Alice, PresenceKind.You, s_digest, "a3", string.Empty);

        backlog.HeldBytes.ShouldBe(PresenceBacklog.FrameSize(PresenceKind.You, "a1", string.Empty) * 3);
        Held(backlog).ShouldBe(["You a1 ", "You a2 ", "You a3 "]);
    }

    [Fact]
    public void Renaming_back_to_the_name_the_peer_knows_leaves_nothing_to_send()
    {
        var backlog = new PresenceBacklog();
        backlog.Add(Alice, PresenceKind.Renamed, s_digest, "alice", "a1");
        backlog.Add(Alice, PresenceKind.Renamed, s_digest, "a1", "alice");

        backlog.Count.ShouldBe(0);
        backlog.HeldBytes.ShouldBe(0);
    }

    [Fact]
    public void A_join_followed_by_renames_is_one_join_under_the_last_name()
    {
        var backlog = new PresenceBacklog();
        backlog.Add(Alice, PresenceKind.Joined, s_digest, "alice", string.Empty);
        backlog.Add(Alice, PresenceKind.Renamed, s_digest, "alice", "a1");

        Held(backlog).ShouldBe(["Joined a1 "]);
    }

    [Fact]
    public void Joined_and_left_of_the_same_person_cancel_with_everything_held_about_them_in_between()
    {
        var backlog = new PresenceBacklog();
        backlog.Add(Alice, PresenceKind.Joined, s_digest, "alice", string.Empty);
        backlog.Add(Bob, PresenceKind.Renamed, s_digest, "bob", "b1");
        backlog.Add(Alice, PresenceKind.Renamed, s_digest, "alice", "a1");
        backlog.Add(Alice, PresenceKind.Left, s_digest, "a1", string.Empty);

        backlog.HeldBytes.ShouldBe(PresenceBacklog.FrameSize(PresenceKind.Renamed, "bob", "b1"));
        Held(backlog).ShouldBe(["Renamed bob b1"]);
    }

    [Fact]
    public void Left_after_a_held_rename_is_left_under_the_name_the_peer_knows()
    {
        var backlog = new PresenceBacklog();
        backlog.Add(Alice, PresenceKind.Renamed, s_digest, "alice", "a1");
        backlog.Add(Bob, PresenceKind.Renamed, s_digest, "bob", "alice");
        backlog.Add(Alice, PresenceKind.Left, s_digest, "a1", string.Empty);

        Held(backlog).ShouldBe(["Left alice ", "Renamed bob alice"]);
    }

    [Fact]
    public void A_rename_is_not_merged_past_a_later_notice_about_someone_else_so_no_two_people_share_a_name()
    {
        // Merging Alice's second rename into her first would name her "bob" while Bob still is.
        var backlog = new PresenceBacklog();
        backlog.Add(Alice, PresenceKind.Renamed, s_digest, "alice", "a1");
        backlog.Add(Bob, PresenceKind.Renamed, s_digest, "bob", "b1");
        backlog.Add(Alice, PresenceKind.Renamed, s_digest, "a1", "bob");

        Held(backlog).ShouldBe(["Renamed alice a1", "Renamed bob b1", "Renamed a1 bob"]);
    }

    [Fact]
    public void Draining_hands_out_every_notice_in_order_and_leaves_the_backlog_empty()
    {
        var backlog = new PresenceBacklog();
        backlog.Add(Alice, PresenceKind.Joined, s_digest, "alice", string.Empty);
        backlog.Add(Bob, PresenceKind.Left, s_digest, "bob", string.Empty);
        var sent = new List<PresenceKind>();

        backlog.Drain(n => sent.Add(n.Kind));

        sent.ShouldBe([PresenceKind.Joined, PresenceKind.Left]);
        backlog.Count.ShouldBe(0);
        backlog.HeldBytes.ShouldBe(0);
    }

    private static List<string> Held(PresenceBacklog backlog)
    {
        var held = new List<string>();
        backlog.Drain(n => held.Add($"{n.Kind} {n.Name} {n.NewName}"));
        return held;
    }
}
