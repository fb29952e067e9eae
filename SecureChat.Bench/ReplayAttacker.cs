using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;

namespace SecureChat.Bench;

/// <summary>
/// The replay attacker (the engine's Adversarial/ReplayedHandshakeTests do the same with raw sockets): a
/// client's first three handshake messages, ClientHello, Commit and Reveal, computed once (no passphrase, so nothing in
/// them depends on the server's answer) and written on fresh connection after fresh connection, each of which would
/// cost the server a PBKDF2 if it answered it. One dedicated thread drives <see cref="InFlight"/> non-blocking
/// sockets with <see cref="Socket.Select"/>, so the attack takes at most one core however fast the server answers.
/// Each connection comes from <see cref="Source"/>, writes the replay as soon as it is connected, reads until the
/// server's verdict (Puzzle, ServerAuth: the server derived keys, or Alert: refused) or its close, then is reset
/// (linger 0, so no TIME_WAIT piles up on either side). Counters are read after <see cref="Stop"/>.
/// </summary>
internal sealed class ReplayAttacker : IDisposable
{
    /// <summary>
    /// Connections open at once: four times the server's default per-source bound on pending handshakes, so the thread
    /// always has work and never idles waiting for answers (what it takes beyond the bound is refused as rate-limited).
    /// </summary>
    public const int InFlight = 64;

    private static readonly TimeSpan s_connectionTimeout = TimeSpan.FromSeconds(5);

    private readonly IPEndPoint _server;
    private readonly byte[] _replay = Precompute();
    private readonly Thread _thread;
    private volatile bool _stopping;
    private long _started;
    private long _stopped;

    public ReplayAttacker(IPEndPoint server, IPAddress source)
    {
        _server = server;
        Source = source;
        _thread = new Thread(Run) { IsBackground = true, Name = "replay attacker" };
    }

    public IPAddress Source { get; }

    /// <summary>Connections attempted (each counted when its connect starts).</summary>
    public long Attempts { get; private set; }

    public long Puzzles { get; private set; }

    /// <summary>Replays the server answered with ServerAuth: each cost it a full PBKDF2.</summary>
    public long Derived { get; private set; }

    /// <summary>Refused with an Alert (rate-limited, busy), by code.</summary>
    public Dictionary<AlertCode, long> Alerts { get; } = [];

    /// <summary>Closed by the server without a verdict, or the connect failed.</summary>
    public long Closed { get; private set; }

    public long TimedOut { get; private set; }

    /// <summary>CPU time the attacker's thread used (from /proc; zero when unavailable).</summary>
    public TimeSpan Cpu { get; private set; }

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_started, _stopped);

    public double AttemptsPerSecond => Attempts / Elapsed.TotalSeconds;

    /// <summary>The exception that stopped the attack early, if any.</summary>
    public Exception? Error { get; private set; }

    public void Start()
    {
        _started = Stopwatch.GetTimestamp();
        _thread.Start();
    }

    public void Stop()
    {
        _stopping = true;
        if (!_thread.Join(TimeSpan.FromSeconds(30)))
        {
            throw new TimeoutException("the attacker thread did not stop");
        }
    }

    public void Dispose()
    {
        if (_thread.IsAlive)
        {
            Stop();
        }
    }

    public string Describe() =>
        $"{Attempts:N0} attempts in {Elapsed.TotalSeconds:F1} s: {Puzzles:N0} puzzles, {Derived:N0} derived by the server, " +
        $"alerts {(Alerts.Count == 0 ? "none" : string.Join(", ", Alerts.Select(a => $"{a.Key} {a.Value:N0}")))}, {Closed:N0} closed without answer, {TimedOut:N0} timed out";

    /// <summary>ClientHello, Commit and Reveal frames, valid for any server without a passphrase.</summary>
    private static byte[] Precompute()
    {
        DhGroup group = DhGroup.Ffdhe2048;
        using DhKeyPair key = DiffieHellman.GenerateKeyPair(group, SystemRandom.Instance);
        byte[] opening = RandomNumberGenerator.GetBytes(WireFormat.NonceSize);
        byte[] commitment = new byte[WireFormat.CommitmentSize];
        KeySchedule.ComputeCommitment(group.Id, key.PublicValue, opening, commitment);
        byte[] reveal = new byte[KeyShareMessage.Size(group.ElementSize)];
        KeyShareMessage.Write(reveal, opening, key.PublicValue);
        var hello = new ClientHello([WireFormat.Version], [(ushort)DhGroupId.Ffdhe2048], 0, RandomNumberGenerator.GetBytes(WireFormat.NonceSize), null);
        byte[] helloBody = new byte[hello.Size];
        hello.Write(helloBody);
        return [.. Frame(FrameType.ClientHello, helloBody), .. Frame(FrameType.Commit, commitment), .. Frame(FrameType.Reveal, reveal)];
    }

    private static byte[] Frame(FrameType type, ReadOnlySpan<byte> body)
    {
        byte[] frame = new byte[WireFormat.FrameHeaderSize + body.Length];
        frame[0] = (byte)type;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)body.Length);
        body.CopyTo(frame.AsSpan(WireFormat.FrameHeaderSize));
        return frame;
    }

    private void Run()
    {
        TimeSpan cpuBefore = ThreadCpu();
        var slots = new Slot[InFlight];
        var readable = new List<Socket>(InFlight);
        var writable = new List<Socket>(InFlight);
        var failed = new List<Socket>(InFlight);
        try
        {
            while (!_stopping)
            {
                long now = Stopwatch.GetTimestamp();
                readable.Clear();
                writable.Clear();
                failed.Clear();
                for (int i = 0; i < slots.Length; i++)
                {
                    slots[i] ??= new Slot();
                    Slot slot = slots[i];
                    if (slot.Socket is null)
                    {
                        Open(slot, now);
                    }

                    if (slot.Socket is null)
                    {
                        continue;
                    }

                    if (Stopwatch.GetElapsedTime(slot.StartedAt, now) > s_connectionTimeout)
                    {
                        TimedOut++;
                        Reset(slot);
                        continue;
                    }

                    if (slot.Connecting)
                    {
                        writable.Add(slot.Socket);
                        failed.Add(slot.Socket);
                    }
                    else
                    {
                        readable.Add(slot.Socket);
                    }
                }

                if (readable.Count + writable.Count == 0)
                {
                    continue;
                }

                Socket.Select(readable.Count > 0 ? readable : null, writable.Count > 0 ? writable : null, failed.Count > 0 ? failed : null, 100_000);
                foreach (Slot slot in slots)
                {
                    if (slot.Socket is not { } socket)
                    {
                        continue;
                    }

                    if (slot.Connecting && failed.Contains(socket))
                    {
                        Closed++;
                        Reset(slot);
                    }
                    else if (slot.Connecting && writable.Contains(socket))
                    {
                        slot.Connecting = false;
                        int sent;
                        try
                        {
                            sent = socket.Send(_replay);
                        }
                        catch (SocketException)
                        {
                            Closed++; // the connect failed (refused or reset): Linux reports it as writable
                            Reset(slot);
                            continue;
                        }

                        if (sent != _replay.Length)
                        {
                            throw new InvalidOperationException("a fresh loopback socket took less than the replay");
                        }
                    }
                    else if (!slot.Connecting && readable.Contains(socket))
                    {
                        ReadVerdict(slot);
                    }
                }
            }
        }
        catch (Exception e) when (e is SocketException or InvalidOperationException)
        {
            Error = e;
        }
        finally
        {
            _stopped = Stopwatch.GetTimestamp();
            foreach (Slot? slot in slots)
            {
                if (slot?.Socket is not null)
                {
                    Reset(slot);
                }
            }

            Cpu = ThreadCpu() - cpuBefore;
        }
    }

    private void Open(Slot slot, long now)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false, NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(Source, 0));
        }
        catch
        {
            socket.Dispose();
            throw; // no address to attack from: the attack stops (Error)
        }

        try
        {
            Attempts++;
            socket.Connect(_server);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
            // The usual case for a non-blocking connect: Select says when it is done.
        }
        catch (SocketException)
        {
            Closed++;
            socket.Dispose();
            return;
        }

        slot.Socket = socket;
        slot.Connecting = true;
        slot.StartedAt = now;
        slot.Filled = 0;
    }

    /// <summary>Reads what is there and looks for the server's verdict frame by frame.</summary>
    private void ReadVerdict(Slot slot)
    {
        Socket socket = slot.Socket!;
        int read;
        try
        {
            read = socket.Receive(slot.Buffer.AsSpan(slot.Filled), SocketFlags.None);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
        {
            return;
        }
        catch (SocketException)
        {
            read = 0;
        }

        if (read == 0)
        {
            Closed++;
            Reset(slot);
            return;
        }

        slot.Filled += read;
        int offset = 0;
        while (slot.Filled - offset >= WireFormat.FrameHeaderSize)
        {
            var type = (FrameType)slot.Buffer[offset];
            int length = (int)BinaryPrimitives.ReadUInt32BigEndian(slot.Buffer.AsSpan(offset + 1));
            if (type is FrameType.Puzzle)
            {
                Puzzles++;
                Reset(slot);
                return;
            }

            if (type is FrameType.ServerAuth)
            {
                Derived++;
                Reset(slot);
                return;
            }

            if (type is FrameType.Alert && slot.Filled - offset >= WireFormat.FrameHeaderSize + length &&
                AlertMessage.TryParse(slot.Buffer.AsSpan(offset + WireFormat.FrameHeaderSize, length), out AlertMessage alert))
            {
                Alerts[alert.Code] = Alerts.GetValueOrDefault(alert.Code) + 1;
                Reset(slot);
                return;
            }

            if (slot.Filled - offset < WireFormat.FrameHeaderSize + length)
            {
                break; // the rest of this frame has not arrived
            }

            offset += WireFormat.FrameHeaderSize + length; // ServerHello, KeyShare: on to the verdict
        }

        slot.Buffer.AsSpan(offset, slot.Filled - offset).CopyTo(slot.Buffer);
        slot.Filled -= offset;
        if (slot.Filled == slot.Buffer.Length)
        {
            throw new InvalidOperationException("the server sent a frame larger than the attacker's buffer");
        }
    }

    /// <summary>Closes with a reset (linger 0): no TIME_WAIT for the attacker's ports, and the server's end is told at once.</summary>
    private static void Reset(Slot slot)
    {
        Socket? socket = slot.Socket;
        slot.Socket = null;
        if (socket is null)
        {
            return;
        }

        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (SocketException)
        {
        }

        socket.Dispose();
    }

    /// <summary>This thread's CPU time from /proc/thread-self/stat (utime + stime, in clock ticks of 10 ms).</summary>
    private static TimeSpan ThreadCpu()
    {
        try
        {
            string stat = File.ReadAllText("/proc/thread-self/stat");
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            long ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
            return TimeSpan.FromMilliseconds(ticks * 10);
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException or UnauthorizedAccessException)
        {
            return TimeSpan.Zero;
        }
    }

    private sealed class Slot
    {
        public Socket? Socket { get; set; }

        public bool Connecting { get; set; }

        public long StartedAt { get; set; }

        public byte[] Buffer { get; } = new byte[4096];

        public int Filled { get; set; }
    }
}
