using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;

namespace SecureChat.Bench;

/// <summary>
/// The floor of a hub's fan-out, measured alone: one record sealed by the engine's <see cref="RecordProtector"/> and
/// one socket send, per recipient, in a plain loop over as many loopback sockets as the hub has members. Two processes
/// of their own, so each holds one end of every socket (a hub of 10,000 already needs half of the open-file limit):
/// <list type="bullet">
/// <item><c>--sink</c>: listens on 127.0.0.1, prints its port, and reads every connection it accepts until standard
/// input ends, one pending receive per socket, as the hub's clients wait for their records.</item>
/// <item><c>--seal-send PORT COUNT PLAINTEXT_BYTES</c>: opens COUNT connections to the sink (no Nagle, as the engine's),
/// each with its own keys, prints <c>ready</c>, then on each <c>run</c> seals one GroupRelay record (PROTOCOL.md 4.1) of PLAINTEXT_BYTES for
/// every socket and sends it, and prints <c>CPU_US WALL_US</c> per recipient (this process's CPU time, all threads).</item>
/// </list>
/// </summary>
internal static class SealSendProcess
{
    public const string SinkFlag = "--sink";
    public const string SenderFlag = "--seal-send";

    public static async Task<int> RunSinkAsync()
    {
        using var watchdog = new Timer(_ => Environment.Exit(3), null, TimeSpan.FromMinutes(60), Timeout.InfiniteTimeSpan);
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(4096);
        var accepted = new List<Socket>();
        Task accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    Socket socket = await listener.AcceptAsync().ConfigureAwait(false);
                    lock (accepted)
                    {
                        accepted.Add(socket);
                    }

                    _ = DrainAsync(socket);
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Closed at the end.
            }
        });
        Console.Out.WriteLine(((IPEndPoint)listener.LocalEndPoint!).Port.ToString(CultureInfo.InvariantCulture));
        while (await Console.In.ReadLineAsync().ConfigureAwait(false) is { } line && line != "quit")
        {
        }

        listener.Dispose();
        await accepting.ConfigureAwait(false);
        lock (accepted)
        {
            accepted.ForEach(s => s.Dispose());
        }

        return 0;
    }

    public static async Task<int> RunSenderAsync(string[] args)
    {
        using var watchdog = new Timer(_ => Environment.Exit(3), null, TimeSpan.FromMinutes(60), Timeout.InfiniteTimeSpan);
        int port = int.Parse(args[1], CultureInfo.InvariantCulture);
        int count = int.Parse(args[2], CultureInfo.InvariantCulture);
        int plaintextSize = int.Parse(args[3], CultureInfo.InvariantCulture);
        FileLimit.Require(count + 256);
        var sockets = new Socket[count];
        var protectors = new RecordProtector[count];
        var sequences = new ulong[count];
        try
        {
            for (int i = 0; i < count; i++)
            {
                sockets[i] = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await sockets[i].ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)).ConfigureAwait(false);
                protectors[i] = new RecordProtector(RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32), SessionKeys.DirectionServerToClient);
            }

            byte[] plaintext = RandomNumberGenerator.GetBytes(plaintextSize);
            byte[] frame = new byte[WireFormat.FrameHeaderSize + RecordProtector.SealedSize(plaintextSize)];
            Console.Out.WriteLine("ready");
            while (await Console.In.ReadLineAsync().ConfigureAwait(false) is "run")
            {
                double cpu = CpuTime.ProcessMicros();
                long start = Stopwatch.GetTimestamp();
                for (int i = 0; i < count; i++)
                {
                    int body = protectors[i].Seal(sequences[i]++, (byte)FrameType.GroupRelay, plaintext, frame.AsSpan(WireFormat.FrameHeaderSize), SystemRandom.Instance);
                    FrameHeader.Write(frame, FrameType.GroupRelay, body);
                    sockets[i].Send(frame.AsSpan(0, WireFormat.FrameHeaderSize + body));
                }

                double wall = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                cpu = CpuTime.ProcessMicros() - cpu;
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{cpu / count:F3} {wall / count:F3}"));
            }
        }
        finally
        {
            foreach (Socket? socket in sockets)
            {
                socket?.Dispose();
            }

            foreach (RecordProtector? protector in protectors)
            {
                protector?.Dispose();
            }
        }

        return 0;
    }

    private static async Task DrainAsync(Socket socket)
    {
        byte[] buffer = new byte[512];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Closed at the end.
        }
    }
}
