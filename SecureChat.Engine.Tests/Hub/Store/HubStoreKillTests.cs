using System.Diagnostics;
using System.Globalization;
using SecureChat.Engine.Hub.Store;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Hub.Store;

/// <summary>The hub store's durability: a process killed with SIGKILL in the middle of a flood of writes.</summary>
public sealed class HubStoreKillTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_store_killed_during_a_flood_loses_nothing_it_acknowledged_and_holds_each_record_once()
    {
        string directory = _directory.Combine("hub");
        Dictionary<int, long> roomAcks = [];
        HashSet<int> heldAcks = [];
        using (Process child = StoreFloodProcess.Start(directory))
        {
            try
            {
                (await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60))).ShouldBe("open");

                // Killed with the next write in flight: after 300 acknowledged records, at no chosen moment.
                while (roomAcks.Count < 300)
                {
                    string line = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60))
                        ?? throw new ShouldAssertException($"the store process ended (exit {(child.WaitForExit(5000) ? child.ExitCode : -1)})");
                    string[] parts = line.Split(' ');
                    if (parts[0] == "room")
                    {
                        roomAcks[int.Parse(parts[1], CultureInfo.InvariantCulture)] = long.Parse(parts[2], CultureInfo.InvariantCulture);
                    }
                    else
                    {
                        heldAcks.Add(int.Parse(parts[1], CultureInfo.InvariantCulture));
                    }
                }
            }
            finally
            {
                child.Kill(); // SIGKILL on Unix: no finalizer, no flush, no close of the database
                await child.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
        }

        using HubStore store = HubStore.Open(directory);
        store.SetAside.ShouldBeNull();
        IReadOnlyList<LogRecord> records = store.ReadAfter(StoreFloodProcess.Room, 0);
        records.Select(r => r.Seq).ShouldBe(Enumerable.Range(1, records.Count).Select(i => (long)i), "the room's sequence has no gap and no repeat");
        records.Count.ShouldBeGreaterThanOrEqualTo(roomAcks.Count);
        for (int i = 0; i < records.Count; i++)
        {
            records[i].Mls.ShouldBe(StoreFloodProcess.Payload(i + 1), $"record {i + 1} is the ({i + 1})th appended, once");
        }

        foreach ((int n, long seq) in roomAcks)
        {
            seq.ShouldBe(n);
        }

        IReadOnlyList<HeldRecord> held = store.HeldFor(StoreFloodProcess.Recipient);
        held.Count.ShouldBeGreaterThanOrEqualTo(heldAcks.Count);
        held.Select(r => Convert.ToHexString(r.Mls)).ShouldBe(
            Enumerable.Range(1, held.Count).Select(i => Convert.ToHexString(StoreFloodProcess.Payload(i * 5))), "held in order, each once");
        store.Append(StoreFloodProcess.Room, StoredKind.Message, 1, "A11CE", [1]).ShouldBe(records.Count + 1);
    }
}
