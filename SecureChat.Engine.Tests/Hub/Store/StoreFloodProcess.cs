using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using SecureChat.Engine.Hub.Store;

namespace SecureChat.Engine.Tests.Hub.Store;

/// <summary>
/// A child process that floods a hub store until it is killed: this test assembly started again with
/// <c>SECURECHAT_TEST_STORE_FLOOD</c> set to the store's directory. Its entry point (Program.cs) appends records to
/// one room's log and holds every fifth one for an absent recipient as well, and after each call returns (the write
/// synced) prints what it acknowledged: <c>room N SEQ</c> or <c>held N</c>, flushed at once, as a hub acknowledges a
/// record only after storing it.
/// </summary>
internal static class StoreFloodProcess
{
    public const string Room = "#flood";
    public const string Recipient = "B0B";

    private const string Variable = "SECURECHAT_TEST_STORE_FLOOD";

    /// <summary>The store's directory in the child process (the entry point then runs <see cref="Run"/>), else null.</summary>
    internal static string? AskedDirectory => Environment.GetEnvironmentVariable(Variable);

    public static Process Start(string directory)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(StoreFloodProcess).Assembly.Location);
        start.Environment[Variable] = directory;
        IsolatedHome.Apply(start.Environment);
        return Process.Start(start) ?? throw new InvalidOperationException("could not start the store process");
    }

    /// <summary>The bytes of record <paramref name="n"/>: distinct for each n, so a lost or doubled one shows.</summary>
    public static byte[] Payload(int n) => [.. Enumerable.Range(0, 8).SelectMany(i => SHA256.HashData(BitConverter.GetBytes(n * 8 + i)))];

    /// <summary>Runs in the child until it is killed (or after a million records, so a lost parent does not leave it running for ever).</summary>
    internal static int Run(string directory)
    {
        using HubStore store = HubStore.Open(directory);
        Console.Out.WriteLine("open");
        Console.Out.Flush();
        for (int n = 1; n <= 1_000_000; n++)
        {
            long seq = store.Append(Room, StoredKind.Message, 1, "A11CE", Payload(n));
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"room {n} {seq}"));
            if (n % 5 == 0)
            {
                if (store.Hold(Recipient, StoredKind.Message, [0, .. new byte[32]], "A11CE", Payload(n)) != HoldOutcome.Held)
                {
                    return 1;
                }

                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"held {n}"));
            }

            Console.Out.Flush();
        }

        return 0;
    }
}
