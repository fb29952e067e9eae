using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Transport;

/// <summary>
/// A fake server on 127.0.0.1 for one client: it runs the server side of the handshake with the engine's own
/// <see cref="SecureSession"/> and <see cref="ChatChannel"/>, then stops reading (its socket's receive buffer is
/// small, so the client's bytes back up quickly) until <see cref="StartDraining"/>, after which it reads and opens
/// everything and records the chat messages (the GroupMessages' payloads). Not thread-safe apart from <see cref="Messages"/>.
/// </summary>
internal sealed class StalledServer : IAsyncDisposable
{
    private readonly GroupRecordRecorder _records = new();
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private Socket? _socket;
    private SecureSession? _session;
    private Task _drain = Task.CompletedTask;

    private StalledServer(Socket listener)
    {
        _listener = listener;
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
    }

    public int Port { get; }

    /// <summary>The payloads of the GroupMessages opened after draining started, as UTF-8, in order (a real client's are MLS ciphertext).</summary>
    public ConcurrentQueue<string> Messages { get; } = new();

    public static StalledServer Listen(int receiveBufferSize)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
        {
            // Set before listening, so accepted sockets inherit it and advertise a small window from the start.
            ReceiveBufferSize = receiveBufferSize,
        };
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        return new StalledServer(listener);
    }

    /// <summary>Accepts one client and completes the handshake with it; after this nothing is read until draining.</summary>
    public async Task AcceptAndHandshakeAsync(TimeSpan timeout)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        cancel.CancelAfter(timeout);
        _socket = await _listener.AcceptAsync(cancel.Token);
        _socket.NoDelay = true;
        _session = new SecureSession(new SessionSettings { Role = SessionRole.Server });
        _ = new ChatChannel(_session) { HubRecords = _records };
        _session.Start();
        byte[] buffer = new byte[16 * 1024];
        while (!_session.IsSecure)
        {
            _session.IsEnded.ShouldBeFalse(_session.Failure?.Message);
            int read = await _socket.ReceiveAsync(buffer, SocketFlags.None, cancel.Token);
            read.ShouldBeGreaterThan(0, "the client closed during the handshake");
            _session.Receive(buffer.AsSpan(0, read));
            while (_session.KeyDerivationPending)
            {
                _session.DeriveKeys();
            }

            await FlushAsync(cancel.Token);
        }

        var events = new List<SessionEvent>();
        _session.DrainEvents(events);
    }

    /// <summary>Starts reading again: everything the client sent is opened, chat texts land in <see cref="Messages"/>.</summary>
    public void StartDraining()
    {
        Socket socket = _socket ?? throw new InvalidOperationException("no client yet");
        SecureSession session = _session!;
        _drain = Task.Run(async () =>
        {
            byte[] buffer = new byte[64 * 1024];
            var events = new List<SessionEvent>();
            try
            {
                int read;
                while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0 && !session.IsEnded)
                {
                    session.Receive(buffer.AsSpan(0, read));
                    _ = session.ExchangeOutput(new ArrayBufferWriter<byte>());
                    session.DrainEvents(events);
                    GroupRecordRecorder.DeliverAll(events);
                    while (_records.Received.TryDequeue(out var record))
                    {
                        if (record.Record is GroupMessageRecord message)
                        {
                            Messages.Enqueue(System.Text.Encoding.UTF8.GetString(message.Mls));
                        }
                    }

                    events.Clear();
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _socket?.Dispose();
        _listener.Dispose();
        await _drain.WaitAsync(TimeSpan.FromSeconds(10));
        _session?.Dispose();
        _stop.Dispose();
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte> output = _session!.ExchangeOutput(new ArrayBufferWriter<byte>()).WrittenMemory;
        while (!output.IsEmpty)
        {
            output = output[await _socket!.SendAsync(output, SocketFlags.None, cancellationToken)..];
        }
    }
}
