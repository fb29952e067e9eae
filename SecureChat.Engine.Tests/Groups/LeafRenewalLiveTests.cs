using Microsoft.Extensions.Time.Testing;
using SecureChat.Engine.Groups;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Tests.Hub;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Groups;

/// <summary>
/// A member that sends little still renews its own leaf (PROTOCOL.md 4.9, "Its commits": an empty commit 24 hours
/// after its last renewal), on a real hub on 127.0.0.1: the renewing side's clock is a <see cref="FakeTimeProvider"/>,
/// whose timers fire on the thread that advances it, so whether the renewal began is known when
/// <see cref="FakeTimeProvider.Advance"/> returns (the member's group is Committing); the other side runs on the
/// real clock and sees the group's epoch move once the hub accepted and relayed the commit.
/// </summary>
public sealed class LeafRenewalLiveTests(ITestOutputHelper output)
{
    private static readonly GroupTarget s_lobby = GroupTarget.ForRoom(ChatEndpoint.Lobby);
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    /// <summary>Just short of a renewal: the last check before <see cref="GroupBook.UpdateAfter"/> has passed.</summary>
    private static readonly TimeSpan s_justShort = GroupBook.UpdateAfter - GroupRenewal.Every;

    [Fact]
    public async Task A_client_renews_its_leaf_in_the_lobby_s_group_once_24_hours_have_passed_and_not_before()
    {
        ChatServer server = LiveHub.StartServer(out int port, options: new ChatOptions { IdleTimeout = TimeSpan.FromMinutes(10) });
        await using (server)
        {
            var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
            await using var alice = new ChatClient(Quiet(time) with { Name = "Alice" });
            await using LiveMember bob = await LiveMember.ConnectAsync(port, "Bob");
            await alice.ConnectAsync("127.0.0.1", port).WaitAsync(s_wait);
            ulong? joined = await OneEpochAsync(() => InOneEpoch(alice, bob.Client), "Alice and Bob in #lobby's group at one epoch", s_wait);

            time.Advance(s_justShort);
            (alice.GroupOf(s_lobby).Status, alice.GroupOf(s_lobby).Epoch).ShouldBe((MemberGroupStatus.Member, joined), "Alice renewed her leaf before 24 hours had passed");
            time.Advance(GroupRenewal.Every);
            alice.GroupOf(s_lobby).Status.ShouldBe(MemberGroupStatus.Committing, "Alice did not renew her leaf after 24 hours");

            ulong? renewed = await OneEpochAsync(() => InOneEpoch(alice, bob.Client), "Alice's renewal to be accepted and reach Bob", s_wait);
            renewed.ShouldBe(joined + 1);
            output.WriteLine($"#lobby's group: epoch {joined} at Alice's join, {renewed} after her renewal at 24 h of her clock");

            await alice.SendAsync(ChatEndpoint.Lobby, "after the renewal");
            (await bob.MessageAsync("after the renewal").WaitAsync(s_wait)).Sender.ShouldBe("Alice");
        }
    }

    [Fact]
    public async Task The_hub_s_operator_renews_its_leaf_in_the_lobby_s_group_once_24_hours_have_passed_and_not_before()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        ChatServer server = LiveHub.StartServer(out int port, options: Quiet(time) with { PresenceDelay = TimeSpan.Zero, AckDelay = TimeSpan.Zero });
        await using (server)
        {
            await using var bob = new ChatClient(new ChatOptions { Name = "Bob", IdleTimeout = TimeSpan.FromMinutes(10) });
            await bob.ConnectAsync("127.0.0.1", port).WaitAsync(s_wait);
            ulong? joined = await OneEpochAsync(() => InOneEpoch(server.GroupOf(s_lobby), bob.GroupOf(s_lobby)), "the operator and Bob in #lobby's group at one epoch", s_wait);

            time.Advance(s_justShort);
            (server.GroupOf(s_lobby).Status, server.GroupOf(s_lobby).Epoch).ShouldBe((MemberGroupStatus.Member, joined), "the operator renewed its leaf before 24 hours had passed");
            time.Advance(GroupRenewal.Every);
            await Eventually.True( // the renewal timer's callback runs on the thread pool, not inside Advance
                () => server.GroupOf(s_lobby) is var g && (g.Status == MemberGroupStatus.Committing || g.Epoch > joined),
                "the operator to renew its leaf after 24 hours",
                s_wait);

            ulong? renewed = await OneEpochAsync(() => InOneEpoch(server.GroupOf(s_lobby), bob.GroupOf(s_lobby)), "the operator's renewal to be accepted and reach Bob", s_wait);
            renewed.ShouldBe(joined + 1);
            output.WriteLine($"#lobby's group: epoch {joined} at Bob's join, {renewed} after the operator's renewal at 24 h of the hub's clock");

            var heard = new TaskCompletionSource<ChatMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
            bob.MessageReceived += m => heard.TrySetResult(m);
            await server.SendAsync(ChatEndpoint.Lobby, "after the renewal");
            (await heard.Task.WaitAsync(s_wait)).Text.ShouldBe("after the renewal");
        }
    }

    /// <summary>Keeps the link timers a test of 24 hours on a fake clock is not about out of its way.</summary>
    private static ChatOptions Quiet(FakeTimeProvider time) => new()
    {
        Time = time,
        HeartbeatInterval = TimeSpan.FromDays(2),
        IdleTimeout = TimeSpan.FromDays(3),
        RekeyAfterTime = TimeSpan.FromDays(7),
        TickInterval = TimeSpan.FromDays(7),
        WriteTimeout = TimeSpan.FromDays(7),
    };

    /// <summary>Waits until <paramref name="probe"/> finds both sides at one epoch, and returns it.</summary>
    private static async Task<ulong> OneEpochAsync(Func<ulong?> probe, string what, TimeSpan timeout) =>
        (ulong)await Eventually.Value(() => probe() is { } epoch ? (object)epoch : null, what, timeout);

    private static ulong? InOneEpoch(ChatClient first, ChatClient second) => InOneEpoch(first.GroupOf(s_lobby), second.GroupOf(s_lobby));

    private static ulong? InOneEpoch((MemberGroupStatus Status, ulong? Epoch, uint? Leaves) first, (MemberGroupStatus Status, ulong? Epoch, uint? Leaves) second) =>
        first.Status == MemberGroupStatus.Member && second.Status == MemberGroupStatus.Member && first == second ? first.Epoch : null;
}
