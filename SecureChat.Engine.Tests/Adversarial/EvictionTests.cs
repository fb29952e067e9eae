using System.Net;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// Which handshake the hub evicts at its full bound (PROTOCOL.md 8, "handshakes in progress"): never one it has
/// derived keys for. A client in key confirmation owes the server its ClientAuth while it runs its own PBKDF2, so
/// by the time of its last byte it can look like the most stalled connection; evicting it wastes the server's
/// derivation, turns an honest client away, and (with a passphrase) counted as a failed guess from its network.
/// </summary>
[Collection(HeavyCollection.Name)]
public sealed class EvictionTests
{
    private static readonly TimeSpan s_read = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task At_the_full_bound_a_handshake_in_key_confirmation_is_not_evicted_and_a_stalled_hello_is()
    {
        await using LiveServer live = LiveServer.Start(
            new ChatOptions
            {
                MaxHandshakes = 2,
                EarlyDropStart = 2,
                HandshakeStepTimeout = TimeSpan.FromMinutes(5),
                HandshakeTimeout = TimeSpan.FromMinutes(5),
                Puzzle = PuzzleMode.Never,
            },
            sourceLimits: true);

        // A: a whole handshake up to the server's ServerAuth (the server has derived its keys), its ClientAuth held back.
        await using RawClient confirming = await RawClient.ConnectAsync(live.Port, from: IPAddress.Parse("127.0.100.1"));
        byte[] clientAuth = await UpToServerAuthAsync(confirming);

        // B: a ClientHello, answered, then nothing; its last byte is newer than A's.
        await using RawClient stalled = await RawClient.ConnectAsync(live.Port, from: IPAddress.Parse("127.0.101.1"));
        await stalled.SendAsync(PrefixLimitTests.HelloFrame());
        (await stalled.ReadFrameAsync(s_read)).ShouldNotBeNull()[0].ShouldBe((byte)FrameType.ServerHello);

        // The bound is full: a newcomer evicts one of them.
        await live.ShouldStillServeAnHonestClient();
        AlertMessage? toStalled = await stalled.ReadAlertAsync(s_read);
        string evicted = live.HasFailureFor(confirming.LocalPort)
            ? $"A (in key confirmation): {live.Failures.First(f => LiveServer.PortOf(f.Peer) == confirming.LocalPort).Failure.Reason}"
            : $"B (stalled hello): {toStalled?.Code.ToString() ?? "no alert"}";
        TestContext.Current.TestOutputHelper?.WriteLine($"evicted for the newcomer: {evicted}");

        toStalled.ShouldNotBeNull("the stalled hello is evicted").Code.ShouldBe(AlertCode.ServerBusy);
        live.HasFailureFor(confirming.LocalPort).ShouldBeFalse(evicted);

        // A finishes its handshake.
        await confirming.SendAsync(clientAuth);
        await Eventually.True(() => live.Server.Peers.Any(p => LiveServer.PortOf(p) == confirming.LocalPort && p.Stage == SessionStage.Secure), "A to become secure", s_read);
    }

    /// <summary>Runs the client's side until the server's ServerAuth has arrived; returns the ClientAuth, unsent.</summary>
    private static async Task<byte[]> UpToServerAuthAsync(RawClient raw)
    {
        raw.Session.Start();
        await raw.SendAsync(raw.TakeOutput());
        while (true)
        {
            byte[] frame = (await raw.ReadFrameAsync(s_read)).ShouldNotBeNull("the server closed during the handshake");
            raw.Session.Receive(frame);
            if (raw.Session.KeyDerivationPending)
            {
                await raw.SendAsync(raw.TakeOutput()); // the Reveal, which lets the server derive
                raw.Session.DeriveKeys();
            }

            if (frame[0] == (byte)FrameType.ServerAuth)
            {
                return raw.TakeOutput();
            }

            await raw.SendAsync(raw.TakeOutput());
        }
    }
}
