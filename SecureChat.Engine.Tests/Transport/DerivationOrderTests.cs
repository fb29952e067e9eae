using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Transport;

/// <summary>
/// Both ends derive at the same moment only if the message that lets the server start (the client's Reveal) leaves
/// before the client's own PBKDF2 takes its core. The client here runs in a process with a single free thread-pool
/// worker (<see cref="StarvedClientProcess"/>): if the client began deriving before its writer had sent the Reveal,
/// the writer could only run after the derivation, and the server would start one whole derivation late (the
/// handshake taking two PBKDF2 instead of one). The server is the engine's own session driven by hand, at 1,000,000
/// iterations so a derivation is long enough to tell the two apart on a loaded machine.
/// </summary>
public sealed class DerivationOrderTests
{
    private const int Iterations = 1_000_000;

    [Fact]
    public async Task A_client_sends_its_Reveal_before_its_own_derivation_takes_the_only_free_worker()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using Process client = StarvedClientProcess.Start(((IPEndPoint)listener.LocalEndPoint!).Port);
        try
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            using Socket socket = await listener.AcceptAsync(cancel.Token);
            socket.NoDelay = true;
            using var session = new SecureSession(new SessionSettings { Role = SessionRole.Server, Iterations = Iterations });
            _ = new ChatChannel(session);
            session.Start();
            byte[] buffer = new byte[16 * 1024];
            long lastSent = 0;
            TimeSpan revealDelay = TimeSpan.Zero;
            TimeSpan derivation = TimeSpan.Zero;
            var events = new List<SessionEvent>();
            bool established = false;
            while (!established)
            {
                if (session.IsEnded)
                {
                    // Say why, from both sides (a CI run once ended here without a failure on this side).
                    string? said = await client.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null);
                    Assert.Fail($"the server's session ended at stage {session.Stage} ({session.Failure?.Message ?? "no failure on this side"}); the client said: {said ?? "nothing"}");
                }

                int read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancel.Token);
                read.ShouldBeGreaterThan(0, "the client closed during the handshake");
                session.Receive(buffer.AsSpan(0, read));
                session.DrainEvents(events);
                established = events.OfType<EstablishedEvent>().Any(); // the client's Close may come in the same read as its ClientAuth
                if (session.KeyDerivationPending)
                {
                    // The Reveal is in: how long after our KeyShare (the last thing we sent), against one derivation here.
                    revealDelay = Stopwatch.GetElapsedTime(lastSent);
                    var derive = Stopwatch.StartNew();
                    session.DeriveKeys();
                    derivation = derive.Elapsed;
                }

                ReadOnlyMemory<byte> output = session.ExchangeOutput(new ArrayBufferWriter<byte>()).WrittenMemory;
                while (!output.IsEmpty)
                {
                    output = output[await socket.SendAsync(output, SocketFlags.None, cancel.Token)..];
                }

                lastSent = Stopwatch.GetTimestamp();
            }

            (await client.StandardOutput.ReadLineAsync(cancel.Token)).ShouldBe("secure");
            string figures = $"Reveal {revealDelay.TotalMilliseconds:0} ms after KeyShare; one derivation here {derivation.TotalMilliseconds:0} ms";
            TestContext.Current.TestOutputHelper?.WriteLine(figures);
            revealDelay.ShouldBeLessThan(derivation / 2, figures);
        }
        finally
        {
            if (!client.WaitForExit(20_000))
            {
                client.Kill(entireProcessTree: true);
            }
        }
    }
}
