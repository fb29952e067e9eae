using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// A server that makes its clients burn CPU (PROTOCOL.md 3.3): an attacker's server on 127.0.0.1 answers a real
/// <see cref="ChatClient"/>'s ClientHello with a Puzzle of <see cref="WireFormat.PuzzleDifficultyMax"/> + 1 bits or
/// more. The client must give up at once, solving nothing, and say why; one at the bound is still solved.
/// </summary>
public sealed class PuzzleBoundAttackTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(24)]
    [InlineData(WireFormat.PuzzleDifficultyMax + 1)]
    public async Task A_client_refuses_a_puzzle_above_its_bound_without_solving_it(int difficulty)
    {
        using RawServer server = RawServer.Listen();
        await using var client = new ChatClient(new ChatOptions { Name = "Bob", BusyRetries = 0 });
        var clock = Stopwatch.StartNew();
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        Task connecting = client.ConnectAsync("127.0.0.1", server.Port);

        await AnswerWithPuzzle(server, (byte)difficulty);
        Task<Socket?> accepting = server.AcceptSocketAsync(TimeSpan.FromSeconds(60));
        await Task.WhenAny(connecting, accepting);
        ChatConnectionException? refused = connecting.IsCompleted ? await Record.ExceptionAsync(() => connecting) as ChatConnectionException : null;
        Socket? again = !connecting.IsCompleted || await Task.WhenAny(accepting, Task.Delay(TimeSpan.FromSeconds(1))) == accepting
            ? await accepting
            : null;
        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        output.WriteLine($"{difficulty}-bit puzzle: the client {(again is null ? "gave up" : "solved it and came back")} after {clock.Elapsed.TotalSeconds:F1} s, {cpu:F1} s of CPU");
        again?.Dispose();

        again.ShouldBeNull("the client solved a puzzle above its bound");
        refused.ShouldNotBeNull().Failure.Reason.ShouldBe(FailureReason.PuzzleRequired);
        refused.Message.ShouldContain($"more than {WireFormat.PuzzleDifficultyMax} bits");
    }

    [Fact]
    public async Task A_puzzle_at_the_bound_is_solved_and_answered()
    {
        using RawServer server = RawServer.Listen();
        await using var client = new ChatClient(new ChatOptions { Name = "Bob", BusyRetries = 0 });
        Task connecting = client.ConnectAsync("127.0.0.1", server.Port);
        await AnswerWithPuzzle(server, 12);
        using Socket? again = await server.AcceptSocketAsync(TimeSpan.FromSeconds(60));
        again.ShouldNotBeNull("a 12-bit puzzle is within the bound and is solved");
        again.Dispose();
        await Should.ThrowAsync<ChatConnectionException>(() => connecting);
    }

    /// <summary>Reads the ClientHello (whatever it holds) and answers with a Puzzle, then closes, as a loaded server does.</summary>
    private static async Task AnswerWithPuzzle(RawServer server, byte difficulty)
    {
        using Socket socket = await server.AcceptSocketAsync(TimeSpan.FromSeconds(10)) ?? throw new TimeoutException("the client never connected");
        byte[] hello = new byte[4096];
        (await socket.ReceiveAsync(hello)).ShouldBeGreaterThan(0);
        byte[] body = new byte[37];
        body[0] = difficulty;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(1), (uint)(DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60));
        RandomNumberGenerator.Fill(body.AsSpan(5));
        await socket.SendAsync(RawClient.Frame((byte)FrameType.Puzzle, body));
        socket.Shutdown(SocketShutdown.Both);
    }
}
