using SecureChat.Engine.Hub.Groups;

namespace SecureChat.Engine.Tests.Hub.Groups;

/// <summary>The hub's roster follows RFC 9420 section 12.3's order: removes blank, adds fill the leftmost blank, then truncation.</summary>
public sealed class GroupRosterTests
{
    [Fact]
    public void Adds_extend_the_roster_in_order()
    {
        var roster = new GroupRoster("A");
        roster.Apply([], ["B", "C"]);

        roster.Leaves.ShouldBe(["A", "B", "C"]);
    }

    [Fact]
    public void A_remove_blanks_its_leaf_and_a_later_add_fills_the_leftmost_blank()
    {
        var roster = new GroupRoster("A");
        roster.Apply([], ["B", "C", "D"]);
        roster.Apply([1, 2], []);
        roster.Leaves.ShouldBe(["A", null, null, "D"]);

        roster.Apply([], ["E"]);
        roster.Leaves.ShouldBe(["A", "E", null, "D"]);
    }

    [Fact]
    public void Removes_apply_before_adds_in_one_commit()
    {
        var roster = new GroupRoster("A");
        roster.Apply([], ["B", "C"]);
        roster.Apply([1], ["B"]);

        roster.Leaves.ShouldBe(["A", "B", "C"]);
    }

    [Fact]
    public void Trailing_blank_leaves_are_truncated()
    {
        var roster = new GroupRoster("A");
        roster.Apply([], ["B", "C", "D"]);
        roster.Apply([2, 3], []);

        roster.Leaves.ShouldBe(["A", "B"]);
        roster.IdentityAt(2).ShouldBeNull();
    }
}
