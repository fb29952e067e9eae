using System.Text;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.Headless;

/// <summary>
/// The identity key's seed outlives nothing but the key: a real headless server creates its identity on first run,
/// and its memory (/proc/PID/mem) is then searched for the base64 line of the key file: no copy may be left (the raw
/// seed is not searched for: the live signing key in NSec's protected memory begins with it).
/// </summary>
public sealed class IdentitySeedMemoryTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public void The_seed_of_a_newly_created_identity_is_not_left_in_the_process_memory()
    {
        if (!ProcessMemory.CanRead(out string reason))
        {
            Assert.Skip(reason);
        }

        string config = AppUnderTest.NewConfigDir();
        using RunningApp server = AppUnderTest.Start("--server", "--port", "0", "--headless", "--name", "Alice", "--config-dir", config);
        server.WaitForOutput("[*] Waiting for client connection...", s_wait);

        string encoded = File.ReadAllLines(Path.Combine(config, "identity"))[1];
        var secrets = new Dictionary<string, byte[]>
        {
            ["the seed as base64 text"] = Encoding.ASCII.GetBytes(encoded),
        };

        // A leak is found every time; the wipe is synchronous, so one settling pause is enough.
        Thread.Sleep(TimeSpan.FromSeconds(1));
        var (hits, statistics) = ProcessMemory.FindExact(server.ProcessId, secrets);
        output.WriteLine($"scanned {statistics.BytesRead / (1 << 20)} MiB in {statistics.Regions} mappings: {hits.Count} copies found");
        foreach (ProcessMemory.Hit hit in hits)
        {
            output.WriteLine($"found {hit.What} at 0x{hit.Address:x} ({hit.Region})");
        }

        statistics.BytesRead.ShouldBeGreaterThan(0);
        hits.ShouldBeEmpty();
        server.WriteLine("exit");
        server.WaitForExit(s_wait).ShouldBe(0);
    }
}
