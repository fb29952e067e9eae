using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using SecureChat.Engine.Groups;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Hub.Groups;

/// <summary>
/// The hub relays a text before the commit that ends the text's epoch (PROTOCOL.md 4.8, "Application messages"), on a
/// real hub on 127.0.0.1. The hub checks a GroupMessage under its lock and seals it for each recipient outside it; a
/// commit accepted in between used to reach recipients first, and they, already in the next epoch, could not read the
/// text the hub had accepted. The test stops the hub between the check and the sealing (<see cref="Engine.Hub.HubRouter.RelayStarting"/>)
/// and has another member renew its leaf right then: Bob's clock is a <see cref="FakeTimeProvider"/>, whose timers fire
/// on the thread that advances it, so his commit is on its way when <see cref="FakeTimeProvider.Advance"/> returns.
/// </summary>
public sealed class RelayOrderLiveTests(ITestOutputHelper output)
{
    private static readonly GroupTarget s_lobby = GroupTarget.ForRoom(ChatEndpoint.Lobby);
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_text_the_hub_accepted_reaches_every_member_even_when_a_commit_is_accepted_while_it_is_being_relayed()
    {
        ChatServer server = LiveHub.StartServer(out int port, options: new ChatOptions { IdleTimeout = TimeSpan.FromMinutes(10) });
        await using (server)
        {
            var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
            await using var alice = new ChatClient(new ChatOptions { Name = "Alice", IdleTimeout = TimeSpan.FromMinutes(10) });
            await using var bob = new ChatClient(Quiet(time) with { Name = "Bob" });
            await using var carol = new ChatClient(new ChatOptions { Name = "Carol", IdleTimeout = TimeSpan.FromMinutes(10) });
            var heard = new ConcurrentQueue<string>();
            var dropped = new ConcurrentQueue<string>();
            foreach (ChatClient client in new[] { alice, bob, carol })
            {
                client.MessageReceived += m => heard.Enqueue($"{client.Name}<-{m.Sender}: {m.Text}");
                client.GroupChanged += n =>
                {
                    if (n.Kind == GroupNoticeKind.Dropped)
                    {
                        dropped.Enqueue($"{client.Name}: {n.Text}");
                    }
                };
                await client.ConnectAsync("127.0.0.1", port).WaitAsync(s_wait);
            }

            ulong epoch = await OneEpochAsync(server, [alice, bob, carol], "the operator, Alice, Bob and Carol in #lobby's group at one epoch");

            // The hub checks Alice's text in this epoch, then stops before sealing it for anyone.
            var checkedText = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var resume = new ManualResetEventSlim();
            server.Router.RelayStarting = from =>
            {
                if (from.Name == "Alice" && checkedText.TrySetResult())
                {
                    resume.Wait(s_wait);
                }
            };
            await alice.SendAsync("checked before the commit");
            await checkedText.Task.WaitAsync(s_wait);

            // Bob renews his leaf now: his commit reaches the hub while Alice's text is checked and not yet sealed.
            time.Advance(GroupBook.UpdateAfter);
            bob.GroupOf(s_lobby).Status.ShouldBe(MemberGroupStatus.Committing, "Bob did not renew his leaf after 24 hours");

            // Either the hub holds the commit until the text is sealed for all, or (the fault) it relayed it at once.
            await Eventually.True(
                () => server.Router.CommitsWaitingForRelays > 0 || carol.GroupOf(s_lobby).Epoch > epoch,
                "Bob's commit to wait for Alice's text at the hub, or to reach Carol",
                s_wait);
            bool overtaken = carol.GroupOf(s_lobby).Epoch > epoch;
            resume.Set();

            await Eventually.True(
                () => heard.Contains("Bob<-Alice: checked before the commit") && heard.Contains("Carol<-Alice: checked before the commit") || !dropped.IsEmpty,
                "Bob and Carol to read Alice's text, or to drop it",
                s_wait);
            output.WriteLine($"#lobby's group at epoch {epoch} when Alice's text was checked; Bob's commit {(overtaken ? "reached Carol before the text" : "waited at the hub for the text")}; dropped: [{string.Join("; ", dropped)}]");
            dropped.ShouldBeEmpty("a member could not read a text the hub had accepted");
            overtaken.ShouldBeFalse("the commit that ends a text's epoch reached a member before the text");

            ulong renewed = await OneEpochAsync(server, [alice, bob, carol], "Bob's renewal to reach everyone");
            renewed.ShouldBe(epoch + 1);
            await alice.SendAsync("after the commit");
            await Eventually.True(
                () => heard.Contains("Bob<-Alice: after the commit") && heard.Contains("Carol<-Alice: after the commit"),
                "Bob and Carol to read Alice's text of the next epoch",
                s_wait);
            heard.Count(h => h.EndsWith(": checked before the commit", StringComparison.Ordinal)).ShouldBe(2, "the text reached Bob and Carol once each");
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

    /// <summary>Waits until the operator and every client are members of #lobby's group at one epoch, and returns it.</summary>
    private static async Task<ulong> OneEpochAsync(ChatServer server, ChatClient[] clients, string what)
    {
        ulong? epoch = null;
        await Eventually.True(
            () =>
            {
                (MemberGroupStatus status, ulong? at, _) = server.GroupOf(s_lobby);
                epoch = at;
                return status == MemberGroupStatus.Member && clients.All(c => c.GroupOf(s_lobby) is { Status: MemberGroupStatus.Member } g && g.Epoch == at);
            },
            what,
            s_wait);
        return epoch!.Value;
    }
}
