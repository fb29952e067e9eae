using System.Diagnostics;
using System.Net;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// Live attacks on the v2 admission and proof of work (PROTOCOL.md 3.3 "Puzzle" and 8 "Limits"):
/// a real <see cref="ChatServer"/> on 127.0.0.1, attackers on raw sockets. Per-source behaviour needs distinct
/// source prefixes (per-source limits count a /24 as one source): attackers bind 127.0.N.1 for N of 2 and up (Linux
/// routes all of 127/8 to lo); <see cref="ChatClient"/>, the honest
/// side, always connects from 127.0.0.1. Every test checks why the server refused, not only that it did.
/// This class holds what those tests share: the hellos they send, the frames they wait for, and an honest client.
/// </summary>
internal static class AdmissionProbe
{
    internal static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    internal static byte[] RandomNonce() => System.Security.Cryptography.RandomNumberGenerator.GetBytes(WireFormat.NonceSize);

    internal static uint CurrentWindow(TimeProvider time) => (uint)(time.GetUtcNow().ToUnixTimeSeconds() / 60);

    internal static bool From(PeerInfo peer, IPAddress address) => peer.RemoteEndPoint is IPEndPoint ip && ip.Address.Equals(address);

    internal static byte[] HelloFrame(byte[] nonce, PuzzleSolution? solution = null, byte flags = 0)
    {
        var hello = new ClientHello([WireFormat.Version], [(ushort)DhGroupId.Ffdhe2048], flags, nonce, solution);
        byte[] body = new byte[hello.Size];
        hello.Write(body);
        return RawClient.Frame((byte)FrameType.ClientHello, body);
    }

    internal static ulong FirstNonSolution(byte[] challenge, int difficulty, ulong after)
    {
        ulong counter = after + 1;
        while (HandshakePuzzle.IsSolution(challenge, counter, difficulty))
        {
            counter++;
        }

        return counter;
    }

    internal static async Task<PuzzleMessage> ReadPuzzleAsync(RawClient raw)
    {
        byte[] frame = (await raw.ReadFrameAsync(ReadTimeout)).ShouldNotBeNull("the server closed without answering");
        ((FrameType)frame[0]).ShouldBe(FrameType.Puzzle);
        PuzzleMessage.TryParse(frame.AsSpan(WireFormat.FrameHeaderSize), out PuzzleMessage puzzle).ShouldBeTrue();
        return puzzle;
    }

    /// <summary>Sends one ClientHello on a new connection and expects a Puzzle.</summary>
    internal static async Task<PuzzleMessage> AskAsync(int port, byte[] nonce, PuzzleSolution? solution, byte flags = 0, IPAddress? from = null)
    {
        await using RawClient raw = await RawClient.ConnectAsync(port, from: from);
        await raw.SendAsync(HelloFrame(nonce, solution, flags));
        return await ReadPuzzleAsync(raw);
    }

    /// <summary>Sends one ClientHello on a new connection; returns the type of the server's first frame.</summary>
    internal static async Task<FrameType> AnswerAsync(int port, byte[] nonce, PuzzleSolution? solution, byte flags = 0, IPAddress? from = null)
    {
        await using RawClient raw = await RawClient.ConnectAsync(port, from: from);
        await raw.SendAsync(HelloFrame(nonce, solution, flags));
        byte[] frame = (await raw.ReadFrameAsync(ReadTimeout)).ShouldNotBeNull("the server closed without answering");
        return (FrameType)frame[0];
    }

    /// <summary>A replay's result: Puzzle, ServerAuth (the server derived), an Alert, or null (closed).</summary>
    internal static async Task<FrameType?> ReplayOutcomeAsync(RawClient raw)
    {
        while (await raw.ReadFrameAsync(ReadTimeout) is { } frame)
        {
            var type = (FrameType)frame[0];
            if (type is FrameType.Puzzle or FrameType.ServerAuth or FrameType.Alert)
            {
                return type;
            }
        }

        return null;
    }

    internal static async Task<bool> ReadUntilAsync(RawClient raw, FrameType wanted, TimeSpan? timeout = null)
    {
        while (await raw.ReadFrameAsync(timeout ?? ReadTimeout) is { } frame)
        {
            if ((FrameType)frame[0] == wanted)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The first frame's type and, if any, the Alert that ends the connection.</summary>
    internal static async Task<(FrameType? First, AlertCode? Alert)> FirstFrameThenAlertAsync(RawClient raw)
    {
        FrameType? first = null;
        while (await raw.ReadFrameAsync(TimeSpan.FromSeconds(15)) is { } frame)
        {
            first ??= (FrameType)frame[0];
            if (frame[0] == (byte)FrameType.Alert && AlertMessage.TryParse(frame.AsSpan(WireFormat.FrameHeaderSize), out AlertMessage alert))
            {
                return (first, alert.Code);
            }
        }

        return (first, null);
    }

    /// <summary>An honest client connects (solving any puzzle), exchanges a message, leaves; returns how long getting in took.</summary>
    internal static async Task<TimeSpan> HonestClientAsync(int port, string name)
    {
        var took = Stopwatch.StartNew();
        await using var client = new ChatClient(new ChatOptions { Name = name });
        await client.ConnectAsync("127.0.0.1", port).WaitAsync(TimeSpan.FromSeconds(10));
        TimeSpan elapsed = took.Elapsed;
        await client.SendAsync("hello from " + name);
        return elapsed;
    }
}
