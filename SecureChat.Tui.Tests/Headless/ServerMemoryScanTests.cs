using System.Security.Cryptography;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.Headless;

/// <summary>
/// The live attack of "no secret outlives its use": a real headless server process, one session with a rekey,
/// closed cleanly; a few seconds later the server's memory (/proc/PID/mem, as its own user, a core dump or a swap
/// file would show it) is searched for an exponent that reproduces the public values seen on the wire, and for the
/// shared secrets, master keys and traffic keys of both epochs. None may be found.
/// </summary>
public sealed class ServerMemoryScanTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task No_exponent_shared_secret_or_key_of_a_closed_session_is_left_in_the_server_process_memory()
    {
        if (!ProcessMemory.CanRead(out string reason))
        {
            Assert.Skip(reason);
        }

        int port = AppUnderTest.FreePort();
        using RunningApp server = AppUnderTest.StartServer(port, "Alice");

        var random = new RecordingRandom();
        await using RawClient client = await RawClient.ConnectAsync(port, new SessionSettings { Role = SessionRole.Client, Random = random });
        client.RecordWire();
        client.Session.Start();
        await client.PumpUntilAsync(() => client.Session.IsSecure);
        client.Session.IsSecure.ShouldBeTrue(client.Session.Failure?.ToString());
        // Records carried in each epoch, which the server acts on and shows: a rename before the rekey and one after.
        client.Chat.SendNick("Bob");
        await client.FlushAsync();
        client.Chat.SendNick("Bobby");
        await client.FlushAsync();
        server.WaitForOutput("Bob is now known as Bobby", s_wait);

        client.Session.RequestRekey().ShouldBeTrue();
        await client.PumpUntilAsync(() => client.Events.OfType<RekeyedEvent>().Any());
        server.WaitForOutput("[*] Keys renewed with Bobby", s_wait);
        client.Chat.SendNick("Robert");
        await client.FlushAsync();
        server.WaitForOutput("Bobby is now known as Robert", s_wait);

        // What an attacker who recorded the wire needs, recomputed from this side's own exponents: both epochs.
        Recorded session = Recorded.From(client, random);

        // The control: while the session is open, the scan does find its live keys (the second epoch's MAC keys).
        var (liveHits, _) = ProcessMemory.FindExact(server.ProcessId, session.Secrets);
        liveHits.ShouldContain(h => h.What.StartsWith("epoch 2", StringComparison.Ordinal), "the scan must see the live session's keys");

        await client.CloseAsync();
        server.WaitForOutput("[*] Robert is away", s_wait);

        // The wipe follows "Robert is away" on the server's own threads, which a loaded machine may run seconds late: scan
        // again (for up to 30 s) while anything is found. A real leak is found every time.
        var settling = System.Diagnostics.Stopwatch.StartNew();
        List<ProcessMemory.Hit> exponentHits, secretHits;
        ProcessMemory.ScanStatistics exponentScan, secretScan;
        do
        {
            Thread.Sleep(TimeSpan.FromSeconds(3));
            (exponentHits, exponentScan) = ProcessMemory.FindExponents(server.ProcessId, DhGroup.Ffdhe2048, [session.ServerPublic, session.ServerRekeyPublic]);
            (secretHits, secretScan) = ProcessMemory.FindExact(server.ProcessId, session.Secrets);
        }
        while ((exponentHits.Count > 0 || secretHits.Count > 0) && settling.Elapsed < TimeSpan.FromSeconds(30));

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"exponent scan: {exponentScan.BytesRead / (1 << 20)} MiB in {exponentScan.Regions} writable mappings, " +
            $"{exponentScan.Candidates} random-looking windows at block starts, {exponentScan.UniqueCandidates} distinct tried, " +
            $"{exponentScan.Elapsed.TotalSeconds:F2} s; secret scan: {session.Secrets.Count} secrets, {secretScan.Elapsed.TotalSeconds:F2} s; " +
            $"live keys seen before the close: {string.Join(", ", liveHits.Select(h => h.What).Distinct())}");
        foreach (ProcessMemory.Hit hit in exponentHits.Concat(secretHits))
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"found {hit.What} at 0x{hit.Address:x} ({hit.Region})");
        }

        exponentScan.UniqueCandidates.ShouldBeGreaterThan(0, "the scan must have read the server's memory");
        exponentHits.ShouldBeEmpty("a Diffie-Hellman exponent of the closed session was left in the server's memory");
        secretHits.ShouldBeEmpty("a shared secret or key of the closed session was left in the server's memory");

        server.WriteLine("exit");
        server.WaitForExit(s_wait).ShouldBe(0);
    }

    /// <summary>The public values of both epochs and every secret derived from them, recomputed from the client's side.</summary>
    private sealed record Recorded(byte[] ServerPublic, byte[] ServerRekeyPublic, Dictionary<string, byte[]> Secrets)
    {
        public static Recorded From(RawClient client, RecordingRandom random)
        {
            DhGroup group = DhGroup.Ffdhe2048;
            List<byte[]> sent = client.SentFrames;
            List<byte[]> received = client.ReceivedFrames;
            byte[] serverShare = Frames.BodyOf(received.First(f => f[0] == (byte)FrameType.KeyShare));
            byte[] clientReveal = Frames.BodyOf(sent.First(f => f[0] == (byte)FrameType.Reveal));
            byte[] serverPublic = serverShare[WireFormat.NonceSize..];
            byte[] clientPublic = clientReveal[WireFormat.NonceSize..];
            ServerHello.TryParse(Frames.BodyOf(received.First(f => f[0] == (byte)FrameType.ServerHello)), out ServerHello hello).ShouldBeTrue();

            // Epoch 1: Z from the client's exponent, master over the handshake transcript (PROTOCOL.md, "Key schedule").
            byte[] z = Agree(group, random.Blocks, clientPublic, serverPublic);
            // In the order the frames crossed the wire: with the early Commit (PROTOCOL.md 3.5) it follows the ClientHello.
            bool early = (hello.Flags & WireFormat.FlagEarlyCommit) != 0;
            byte[] transcript = early
                ? SHA256.HashData([.. sent[0], .. sent[1], .. received[0], .. received[1], .. sent[2]])
                : SHA256.HashData([.. sent[0], .. received[0], .. sent[1], .. received[1], .. sent[2]]);
            byte[] master = KeySchedule.DeriveMaster(z, transcript, (int)hello.Iterations);
            using SessionKeys keys = KeySchedule.DeriveSessionKeys(master);
            keys.Fingerprint.ShouldBe(client.Events.OfType<EstablishedEvent>().Single().Fingerprint, "the recomputed first epoch");

            // Epoch 2: the rekey's key shares, decrypted from the recorded records with the first epoch's keys.
            byte[] rekeyInit = Open(keys.ClientToServerEncryption, keys.ClientToServerMac, SessionKeys.DirectionClientToServer, sent, FrameType.RekeyInit);
            byte[] rekeyAck = Open(keys.ServerToClientEncryption, keys.ServerToClientMac, SessionKeys.DirectionServerToClient, received, FrameType.RekeyAck);
            byte[] serverRekeyPublic = rekeyAck[WireFormat.NonceSize..];
            byte[] z2 = Agree(group, random.Blocks, rekeyInit[WireFormat.NonceSize..], serverRekeyPublic);
            byte[] rekeyTranscript = KeySchedule.RekeyTranscriptHash(true, rekeyInit[..WireFormat.NonceSize], rekeyInit[WireFormat.NonceSize..], rekeyAck[..WireFormat.NonceSize], serverRekeyPublic);
            byte[] master2 = KeySchedule.DeriveRekeyMaster(keys.Chain, z2, rekeyTranscript);
            using SessionKeys keys2 = KeySchedule.DeriveSessionKeys(master2);
            keys2.Fingerprint.ShouldBe(client.Events.OfType<RekeyedEvent>().Single().Fingerprint, "the recomputed second epoch");

            var secrets = new Dictionary<string, byte[]>
            {
                ["Z"] = z,
                ["Z (little-endian)"] = [.. z.Reverse()],
                ["master"] = master,
                ["Z' (rekey)"] = z2,
                ["Z' (rekey, little-endian)"] = [.. z2.Reverse()],
                ["master' (rekey)"] = master2,
            };
            AddKeys(secrets, "epoch 1", keys);
            AddKeys(secrets, "epoch 2", keys2);
            return new Recorded(serverPublic, serverRekeyPublic, secrets);
        }

        private static void AddKeys(Dictionary<string, byte[]> secrets, string epoch, SessionKeys keys)
        {
            secrets[$"{epoch} c2s encryption key"] = keys.ClientToServerEncryption.ToArray();
            secrets[$"{epoch} c2s MAC key"] = keys.ClientToServerMac.ToArray();
            secrets[$"{epoch} s2c encryption key"] = keys.ServerToClientEncryption.ToArray();
            secrets[$"{epoch} s2c MAC key"] = keys.ServerToClientMac.ToArray();
            secrets[$"{epoch} client finished key"] = keys.ClientFinished.ToArray();
            secrets[$"{epoch} server finished key"] = keys.ServerFinished.ToArray();
            secrets[$"{epoch} chain key"] = keys.Chain.ToArray();
        }

        /// <summary>Z = Y_peer^x for the client's exponent x: the random block whose 2^x is the client's public value.</summary>
        private static byte[] Agree(DhGroup group, IReadOnlyList<byte[]> blocks, byte[] clientPublic, byte[] serverPublic)
        {
            byte[] power = new byte[group.ElementSize];
            foreach (byte[] block in blocks.Where(b => b.Length == group.ExponentBits / 8))
            {
                ModularArithmetic.ModPow([2], block, group, power);
                if (power.AsSpan().SequenceEqual(clientPublic))
                {
                    ModularArithmetic.ModPow(serverPublic, block, group, power);
                    return power;
                }
            }

            throw new ShouldAssertException("the client's exponent was not among its random blocks");
        }

        /// <summary>Opens the one record of <paramref name="type"/>, trying the implicit sequence numbers in order.</summary>
        private static byte[] Open(ReadOnlySpan<byte> encryption, ReadOnlySpan<byte> mac, byte direction, List<byte[]> frames, FrameType type)
        {
            byte[] body = Frames.BodyOf(frames.Single(f => f[0] == (byte)type));
            byte[] plaintext = new byte[body.Length];
            for (ulong sequence = 0; sequence < 1000; sequence++)
            {
                using var protector = new RecordProtector(encryption, mac, direction);
                if (protector.TryOpen(sequence, (byte)type, body, plaintext, out int length))
                {
                    return plaintext[..length];
                }
            }

            throw new ShouldAssertException($"the recorded {type} did not open under the recomputed keys");
        }
    }
}
