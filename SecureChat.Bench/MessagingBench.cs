using System.Diagnostics;
using SecureChat.Engine.Transport;

namespace SecureChat.Bench;

/// <summary>
/// Messages over one connection on 127.0.0.1: one-way rate (the sender loops, the receiver counts until all
/// have arrived; round trips are <see cref="RttBench"/>'s), for SecureChat, plain TCP with the same 5-byte framing, and
/// TLS 1.3 through SslStream. Each measurement gets its own fresh connection.
/// </summary>
internal static class MessagingBench
{
    private const int SendBurst = 32;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    public static string Text(int size) => new('m', size);

    public static async Task<double> SecureRateAsync(BenchSettings settings, int size)
    {
        await using SecureLink link = await SecureLink.ConnectAsync().ConfigureAwait(false);
        var counter = new ReceiveCounter();
        link.Server.MessageReceived += _ => counter.OnReceived();
        string text = Text(size);
        ChatClient client = link.Client;
        return await RateAsync(() => client.SendAsync(text), counter, settings).ConfigureAwait(false);
    }

    /// <summary>
    /// Batched (the default, and the ceiling): frames go through <see cref="BatchingWriter"/>, the engine's own
    /// write policy. Unbatched: one WriteAsync per message, so TLS makes one record per message as SecureChat does.
    /// </summary>
    public static async Task<double> BaselineRateAsync(BenchSettings settings, int size, bool tls, bool batched = true)
    {
        await using LoopbackPair pair = await LoopbackPair.ConnectAsync(tls).ConfigureAwait(false);
        using var stop = new CancellationTokenSource();
        var counter = new ReceiveCounter();
        Task reader = Task.Run(() => Frames.ReadLoopAsync(pair.Server, _ => counter.OnReceived(), stop.Token));
        var writer = new BatchingWriter(pair.Client);
        ReadOnlyMemory<byte> body = System.Text.Encoding.UTF8.GetBytes(Text(size));
        ReadOnlyMemory<byte> frame = Frames.Build(Frames.MessageType, body.Span);
        Stream client = pair.Client;
        Func<ValueTask> send = batched ? () => writer.WriteFrameAsync(Frames.MessageType, body) : () => client.WriteAsync(frame);
        double rate = await RateAsync(send, counter, settings).ConfigureAwait(false);
        stop.Cancel();
        await pair.DisposeAsync().ConfigureAwait(false);
        await reader.WaitAsync(s_timeout).ConfigureAwait(false);
        return rate;
    }

    /// <summary>Echoes every frame read from <paramref name="stream"/> until it ends or the token fires.</summary>
    public static async Task EchoLoopAsync(Stream stream, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                int body = await Frames.ReadOneAsync(stream, buffer, cancellationToken).ConfigureAwait(false);
                await stream.WriteAsync(buffer.AsMemory(0, Frames.HeaderSize + body), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    /// <summary>A short warmup phase, then the measured phase; messages per second from first send to last arrival.</summary>
    private static async Task<double> RateAsync(Func<ValueTask> sendOne, ReceiveCounter counter, BenchSettings settings)
    {
        await PhaseAsync(sendOne, counter, settings.RateWarmup).ConfigureAwait(false);
        return await PhaseAsync(sendOne, counter, settings.RateDuration).ConfigureAwait(false);
    }

    private static async Task<double> PhaseAsync(Func<ValueTask> sendOne, ReceiveCounter counter, TimeSpan duration)
    {
        counter.Reset();
        long start = Stopwatch.GetTimestamp();
        long deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long sent = 0;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            for (int i = 0; i < SendBurst; i++)
            {
                await sendOne().ConfigureAwait(false);
            }

            sent += SendBurst;
        }

        long last = await counter.WaitForAsync(sent, s_timeout).ConfigureAwait(false);
        return sent / Stopwatch.GetElapsedTime(start, last).TotalSeconds;
    }
}
