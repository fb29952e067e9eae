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
/// handshake taking two PBKDF2 instead of one). The server is the engine's own session driven by hand, at 3,000,000
/// iterations, an order of magnitude above a late wake-up on a loaded machine (1,000,000 left too little room).
/// </summary>
public sealed class DerivationOrderTests
{
    private const int Iterations = 3_000_000;

    [Fact]
    public async Task A_client_sends_its_Reveal_before_its_own_derivation_takes_the_only_free_worker()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using Process client = StarvedClientProcess.Start(((IPEndPoint)listener.LocalEndPoint!).Port);
        try
        {
            // The server side runs on a thread of its own with blocking socket calls: the moment the Reveal is seen
            // must not wait for this test process's thread pool, which other tests running beside it may hold (a CI
            // run measured 1001 ms, the pool's own thread-injection delay).
            (TimeSpan revealDelay, TimeSpan derivation) = await Task.Factory.StartNew(
                () => ServeHandshake(listener, client), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            (await client.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30))).ShouldBe("secure");
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

    /// <summary>
    /// Accepts the client and drives the server's session until it is established; returns how long after our
    /// KeyShare (the last thing we sent before it) the client's Reveal arrived, and how long one derivation took here.
    /// </summary>
    private static (TimeSpan RevealDelay, TimeSpan Derivation) ServeHandshake(Socket listener, Process client)
    {
        if (!listener.Poll(TimeSpan.FromSeconds(90), SelectMode.SelectRead))
        {
            Assert.Fail("the client did not connect within 90 s");
        }

        using Socket socket = listener.Accept();
        socket.NoDelay = true;
        socket.ReceiveTimeout = 90_000;
        socket.SendTimeout = 90_000;
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
                Task<string?> line = client.StandardOutput.ReadLineAsync();
                string? said = line.Wait(TimeSpan.FromSeconds(10)) ? line.Result : null;
                Assert.Fail($"the server's session ended at stage {session.Stage} ({session.Failure?.Message ?? "no failure on this side"}); the client said: {said ?? "nothing"}");
            }

            int read = socket.Receive(buffer, SocketFlags.None);
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

            ReadOnlySpan<byte> output = session.ExchangeOutput(new ArrayBufferWriter<byte>()).WrittenSpan;
            while (!output.IsEmpty)
            {
                output = output[socket.Send(output, SocketFlags.None)..];
            }

            lastSent = Stopwatch.GetTimestamp();
        }

        return (revealDelay, derivation);
    }
}
