using SecureChat.Engine.Groups;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Tests.Adversarial;
using SecureChat.Engine.Tests.Hub;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Groups;

/// <summary>
/// Texts a real hub on 127.0.0.1 answers <c>stale epoch</c> (PROTOCOL.md 4.8, 4.9): real clients sending while their
/// room's group moves to a new epoch lose none, repeat none and keep their order.
/// </summary>
public sealed class StaleEpochLiveTests(ITestOutputHelper output)
{
    private const string Room = "#r";
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Two_members_sending_bursts_at_once_across_each_other_s_leaf_renewals_each_get_every_text_of_the_other_once_in_order()
    {
        const int burst = (2 * GroupBook.UpdateAfterMessages) + 50;
        await using LiveHub hub = await LiveHub.StartAsync("Alice", "Bob");
        var (alice, bob) = hub;
        await alice.JoinAsync(Room);
        await bob.JoinAsync(Room);
        ulong start = await RoomGroupLive.UntilGroupAsync(Room, alice, bob);

        string[] fromAlice = [.. Enumerable.Range(1, burst).Select(i => $"alice {i}")];
        string[] fromBob = [.. Enumerable.Range(1, burst).Select(i => $"bob {i}")];
        await Task.WhenAll(SendAll(alice, fromAlice), SendAll(bob, fromBob));

        await Eventually.True(() => Texts(bob, "alice ").Count >= burst && Texts(alice, "bob ").Count >= burst, "each to get the other's burst", s_wait)
            .ContinueWith(t => Report(alice, bob, t), TaskScheduler.Default).Unwrap();
        ulong end = await RoomGroupLive.UntilGroupAsync(Room, alice, bob);
        await Task.Delay(200); // a text sent twice would come right behind the first
        output.WriteLine($"at Bob: {Describe(Texts(bob, "alice "), fromAlice)}; at Alice: {Describe(Texts(alice, "bob "), fromBob)}");
        Texts(bob, "alice ").ShouldBe(fromAlice, ignoreOrder: false, "Alice's texts at Bob: each once, in order");
        Texts(alice, "bob ").ShouldBe(fromBob, ignoreOrder: false, "Bob's texts at Alice: each once, in order");
        (end - start).ShouldBeGreaterThanOrEqualTo(2UL, "each renewed its leaf with a commit during its burst");
        output.WriteLine($"the group went from epoch {start} to {end} while each sent {burst} texts");
    }

    private static async Task SendAll(LiveMember member, string[] texts)
    {
        await Task.Yield();
        foreach (string text in texts)
        {
            await member.Client.SendAsync(Room, text);
        }
    }

    /// <summary>What differs from <paramref name="expected"/>: texts missing, repeated, and the first out of its place.</summary>
    private static string Describe(List<string> got, string[] expected)
    {
        var missing = expected.Except(got).ToList();
        var repeated = got.GroupBy(t => t).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        int firstOff = Enumerable.Range(0, got.Count).FirstOrDefault(i => i >= expected.Length || expected[i] != got[i], -1);
        return $"{got.Count} texts, missing [{string.Join(", ", missing)}], repeated [{string.Join(", ", repeated)}], first out of place at {firstOff}: " +
            string.Join(", ", got.Skip(Math.Max(0, firstOff - 2)).Take(firstOff < 0 ? 0 : 8));
    }

    private static List<string> Texts(LiveMember member, string prefix) =>
        [.. member.Messages.Where(m => m.Room == Room && m.Text.StartsWith(prefix, StringComparison.Ordinal)).Select(m => m.Text)];

    private Task Report(LiveMember alice, LiveMember bob, Task waited)
    {
        if (waited.IsFaulted)
        {
            foreach (LiveMember member in new[] { alice, bob })
            {
                var at = member.Client.GroupOf(GroupTarget.ForRoom(Room));
                output.WriteLine($"{member.Client.Name}: {at}; got {Texts(member, member == alice ? "bob " : "alice ").Count}; replies {string.Join(", ", member.Replies.Select(r => r.Code))}");
            }
        }

        return waited;
    }
}
