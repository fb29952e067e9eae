using System.Diagnostics;
using SecureChat.Engine.Identity;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Tests.Adversarial;
using SecureChat.Engine.Tests.Hub;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Groups;

/// <summary>
/// A real client away from a real hub on 127.0.0.1 while its room's group moves on (PROTOCOL.md 4.8, 4.9): back with
/// the same identity and the groups it kept in its config directory, it takes the hub's queue in order and reads on.
/// </summary>
public sealed class RoomCatchUpLiveTests(ITestOutputHelper output)
{
    private const string Room = "#r";
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_client_offline_during_two_commits_and_a_message_catches_up_from_the_hub_s_queue_and_reads_on()
    {
        using var config = new TempDirectory();
        ConfigDirectory groups = ConfigDirectory.OpenPath(config.Path);
        byte[] seed = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        await using LiveHub hub = await LiveHub.StartAsync("Alice", "Bob", "Dave", "Erin");
        LiveMember[] m = [.. hub.Members];
        var (alice, bob, dave, erin) = (m[0], m[1], m[2], m[3]);
        LiveMember carol = await LiveMember.ConnectAsync(hub.Port, "Carol", seed, groups);
        foreach (LiveMember member in new[] { alice, bob, carol })
        {
            await member.JoinAsync(Room);
        }

        ulong before = await RoomGroupLive.UntilGroupAsync(Room, alice, bob, carol);
        await carol.DisposeAsync();
        await Eventually.True(() => alice.Presence.Any(p => p.Kind == PresenceKind.Away && p.Name == "Carol"), "Alice to hear Carol away", s_wait);

        // Two commits (Dave's and Erin's joins) and a text while Carol is away.
        await dave.JoinAsync(Room);
        await RoomGroupLive.UntilGroupAsync(Room, [alice, bob, dave], [alice, bob, carol, dave]);
        await erin.JoinAsync(Room);
        ulong away = await RoomGroupLive.UntilGroupAsync(Room, [alice, bob, dave, erin], [alice, bob, carol, dave, erin]);
        await alice.Client.SendAsync(Room, "while you were away");
        await erin.MessageAsync("while you were away").WaitAsync(s_wait);

        var clock = Stopwatch.StartNew();
        await using LiveMember back = await LiveMember.ConnectAsync(hub.Port, "Carol", seed, groups);
        var atBack = HubInside.Notices(back.Client);
        try
        {
            await back.MessageAsync("while you were away").WaitAsync(s_wait);
        }
        catch (TimeoutException)
        {
            output.WriteLine($"back: {RoomGroupLive.GroupAt(back, Room)?.Epoch} {back.Client.GroupOf(GroupTarget.ForRoom(Room))}; alice {RoomGroupLive.GroupAt(alice, Room)?.Epoch}; " +
                $"notices {string.Join(" | ", atBack.Select(n => n.Kind + ": " + n.Text))}; failures {string.Join(" | ", back.Failures)}; rooms {string.Join(",", back.Rooms.Select(r => r.Kind + " " + r.Room))}; msgs {string.Join(",", back.Messages.Select(x => x.Text))}");
            throw;
        }
        ulong caughtUp = await RoomGroupLive.UntilGroupAsync(Room, alice, bob, back, dave, erin);
        TimeSpan took = clock.Elapsed;
        caughtUp.ShouldBe(away, "no commit was needed to bring Carol back");
        (away - before).ShouldBe(2UL);

        await back.Client.SendAsync(Room, "back again");
        foreach (LiveMember member in new[] { alice, bob, dave, erin })
        {
            (await member.MessageAsync("back again").WaitAsync(s_wait)).SenderIdentity.ShouldBe(back.Identity);
        }

        await alice.Client.SendAsync(Room, "welcome back");
        await back.MessageAsync("welcome back").WaitAsync(s_wait);
        back.Failures.ShouldBeEmpty();
        output.WriteLine($"Carol left at epoch {before}, the group moved to {away} while she was away; back, she read the queued text and was at " +
            $"epoch {caughtUp} with all five in {took.TotalMilliseconds:F0} ms of connecting, with no resync");
    }
}
