using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using SecureChat.Engine.Transport;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.Headless;

/// <summary>
/// The hub can read nothing (PROTOCOL.md 4.8): a real headless hub process relays distinctive room and direct texts
/// between two clients, and its memory (/proc/PID/mem, as its own user, a core dump or a swap file would show it)
/// is then searched at every byte offset for each text in UTF-8 and UTF-16. None may be found; the room's topic,
/// which the hub must hold, is found by the same scan.
/// </summary>
public sealed class HubMemoryTextScanTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task No_text_the_hub_relayed_between_clients_is_in_the_hub_process_memory_while_the_room_s_topic_is()
    {
        if (!ProcessMemory.CanRead(out string reason))
        {
            Assert.Skip(reason);
        }

        int port = AppUnderTest.FreePort();
        using RunningApp server = AppUnderTest.StartServer(port, "Hub");
        await using var alice = new ChatClient(new ChatOptions { Name = "Alice" });
        await using var bob = new ChatClient(new ChatOptions { Name = "Bob" });
        var atBob = new ConcurrentQueue<ChatMessage>();
        var atAlice = new ConcurrentQueue<ChatMessage>();
        bob.MessageReceived += atBob.Enqueue;
        alice.MessageReceived += atAlice.Enqueue;
        var bobRooms = new ConcurrentQueue<RoomNotice>();
        bob.RoomChanged += bobRooms.Enqueue;
        await alice.ConnectAsync("127.0.0.1", port).WaitAsync(s_wait);
        await bob.ConnectAsync("127.0.0.1", port).WaitAsync(s_wait);

        string run = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        string topic = $"topic-marker-{run}-held-by-the-hub";
        alice.Request(new RoomRequest(RoomOp.Join, "#vault"));
        await Eventually.True(() => alice.Rooms.Contains("#vault"), "Alice to enter #vault", s_wait);
        alice.Request(new RoomRequest(RoomOp.Topic, "#vault", Text: topic));
        bob.Request(new RoomRequest(RoomOp.Join, "#vault"));
        await Eventually.True(() => bobRooms.Any(r => r.Room == "#vault" && r.Text == topic), "Bob to enter #vault and see its topic", s_wait);

        // Texts go once both hold the room's group: one sent before the sender's group holds the joiner is not the joiner's to read.
        var vault = SecureChat.Engine.Protocol.GroupTarget.ForRoom("#vault");
        await Eventually.True(() => alice.GroupOf(vault) is { Leaves: 2 } a && bob.GroupOf(vault) == a, "Alice and Bob to share #vault's group", s_wait);

        string[] roomTexts = [.. Enumerable.Range(0, 5).Select(i => $"room-secret-{run}-{i}-zebra-quartz")];
        string[] directTexts = [.. Enumerable.Range(0, 3).Select(i => $"direct-secret-{run}-{i}-lynx-ochre")];
        foreach (string text in roomTexts)
        {
            await alice.SendAsync("#vault", text);
        }

        foreach (string text in directTexts)
        {
            await bob.SendDirectAsync(new Person("Alice"), text);
        }

        foreach (string text in roomTexts)
        {
            await Eventually.True(() => atBob.Any(m => m.Text == text), $"Bob to read '{text}'", s_wait);
        }

        foreach (string text in directTexts)
        {
            await Eventually.True(() => atAlice.Any(m => m.Text == text && m.Direct), $"Alice to read '{text}'", s_wait);
        }

        var needles = new Dictionary<string, byte[]>();
        foreach (string text in roomTexts.Concat(directTexts))
        {
            needles[$"'{text}' (UTF-8)"] = Encoding.UTF8.GetBytes(text);
            needles[$"'{text}' (UTF-16)"] = Encoding.Unicode.GetBytes(text);
        }

        var control = new Dictionary<string, byte[]>
        {
            ["the topic (UTF-8)"] = Encoding.UTF8.GetBytes(topic),
            ["the topic (UTF-16)"] = Encoding.Unicode.GetBytes(topic),
        };

        var (controlHits, _) = ProcessMemory.FindAnywhere(server.ProcessId, control);
        var (hits, statistics) = ProcessMemory.FindAnywhere(server.ProcessId, needles);
        output.WriteLine($"scanned {statistics.BytesRead / (1 << 20)} MiB of the hub's memory in {statistics.Regions} writable mappings in {statistics.Elapsed.TotalSeconds:F2} s " +
            $"for {roomTexts.Length} room and {directTexts.Length} direct texts (UTF-8 and UTF-16): {hits.Count} found; " +
            $"the topic found {controlHits.Count} times ({string.Join(", ", controlHits.Select(h => h.What).Distinct())})");
        foreach (ProcessMemory.Hit hit in hits)
        {
            output.WriteLine($"found {hit.What} at 0x{hit.Address:x} ({hit.Region})");
        }

        controlHits.ShouldNotBeEmpty("the scan must find the topic the hub holds");
        hits.ShouldBeEmpty("the hub held a text it relayed in the clear");
        server.WriteLine("exit");
        server.WaitForExit(s_wait).ShouldBe(0);
    }
}
