using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;

namespace SecureChat.Tui.Tests.Support;

/// <summary>
/// A client that records its own wire: an engine <see cref="SecureSession"/> driven by hand over a socket, keeping
/// every frame sent and received, and every random block it drew (so the test knows this side's exponents and can
/// recompute the shared secrets and keys an attacker who found the server's exponent would get). Not thread-safe.
/// </summary>
internal sealed class RecordingClient : IAsyncDisposable
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);
    private readonly Socket _socket;
    private readonly List<byte> _received = [];
    private readonly List<byte> _sent = [];
    private readonly List<SessionEvent> _events = [];
    private readonly RecordingRandom _random = new();

    private RecordingClient(Socket socket)
    {
        _socket = socket;
        Session = new SecureSession(new SessionSettings { Role = SessionRole.Client, Random = _random });
        Chat = new ChatChannel(Session);
    }

    public SecureSession Session { get; }

    public ChatChannel Chat { get; }

    public IReadOnlyList<SessionEvent> Events => _events;

    /// <summary>Every block of 32 bytes or more this client's session drew (nonces and exponents).</summary>
    public IReadOnlyList<byte[]> RandomBlocks => _random.Blocks;

    public List<byte[]> SentFrames => Split([.. _sent]);

    public List<byte[]> ReceivedFrames => Split([.. _received]);

    public static async Task<RecordingClient> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port);
        return new RecordingClient(socket);
    }

    /// <summary>Runs the session (jobs in place) until <paramref name="done"/> holds; fails after 30 s.</summary>
    public async Task PumpUntilAsync(Func<bool> done)
    {
        byte[] buffer = new byte[64 * 1024];
        using var deadline = new CancellationTokenSource(s_wait);
        while (true)
        {
            await FlushAsync();
            if (Session.KeyDerivationPending)
            {
                Session.DeriveKeys();
                continue;
            }

            if (Session.TakeRekeyJob() is { } job)
            {
                job.Run();
                Session.CompleteRekeyJob(job);
                continue;
            }

            Session.DrainEvents(_events);
            if (done() || Session.IsEnded)
            {
                return;
            }

            int read = await _socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
            if (read == 0)
            {
                Session.PeerDisconnected();
                continue;
            }

            _received.AddRange(buffer.AsSpan(0, read));
            Session.Receive(buffer.AsSpan(0, read));
        }
    }

    public async Task FlushAsync()
    {
        byte[] output = Session.ExchangeOutput(new ArrayBufferWriter<byte>()).WrittenSpan.ToArray();
        _sent.AddRange(output);
        if (output.Length > 0)
        {
            await _socket.SendAsync(output, SocketFlags.None);
        }
    }

    /// <summary>Sends the session's Close and half-closes, then waits for the server to close its side.</summary>
    public async Task CloseAsync()
    {
        Session.Close();
        await FlushAsync();
        _socket.Shutdown(SocketShutdown.Send);
        byte[] buffer = new byte[4096];
        using var deadline = new CancellationTokenSource(s_wait);
        try
        {
            while (await _socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token) > 0)
            {
            }
        }
        catch (SocketException)
        {
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        Session.Dispose();
        return ValueTask.CompletedTask;
    }

    private static List<byte[]> Split(ReadOnlySpan<byte> bytes)
    {
        var frames = new List<byte[]>();
        while (bytes.Length >= WireFormat.FrameHeaderSize)
        {
            int length = WireFormat.FrameHeaderSize + (int)BinaryPrimitives.ReadUInt32BigEndian(bytes[1..]);
            if (length > bytes.Length)
            {
                break;
            }

            frames.Add(bytes[..length].ToArray());
            bytes = bytes[length..];
        }

        return frames;
    }

    private sealed class RecordingRandom : IRandomSource
    {
        public List<byte[]> Blocks { get; } = [];

        public void Fill(Span<byte> destination)
        {
            SystemRandom.Instance.Fill(destination);
            if (destination.Length >= 32)
            {
                Blocks.Add(destination.ToArray());
            }
        }
    }
}
