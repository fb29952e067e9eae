using System.Collections.Concurrent;
using System.Diagnostics;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// An honest <see cref="ChatClient"/> that keeps chatting with a <see cref="LiveServer"/> while an attack runs: it sends
/// a message, waits for the server to get it, the server answers, it waits for the answer, and again, recording
/// each round trip's time. Shows whether an attack on one link holds up the others.
/// </summary>
internal sealed class HonestChatter : IAsyncDisposable
{
    private static readonly TimeSpan s_step = TimeSpan.FromSeconds(10);
    private readonly LiveServer _live;
    private readonly ChatClient _client;
    private readonly string _name;
    private readonly ConcurrentQueue<string> _received = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TimeSpan> _roundTrips = [];
    private Task _loop = Task.CompletedTask;

    private HonestChatter(LiveServer live, ChatClient client, string name)
    {
        _live = live;
        _client = client;
        _name = name;
        client.MessageReceived += m => _received.Enqueue(m.Text);
    }

    public ChatClient Client => _client;

    /// <summary>Connects (becomes secure) and starts chatting in the background.</summary>
    public static async Task<HonestChatter> StartAsync(LiveServer live, string name, ChatOptions? options = null)
    {
        var client = new ChatClient((options ?? new ChatOptions()) with { Name = name });
        await client.ConnectAsync("127.0.0.1", live.Port).WaitAsync(s_step);
        var chatter = new HonestChatter(live, client, name);
        chatter._loop = Task.Run(chatter.ChatAsync);
        return chatter;
    }

    /// <summary>Stops after the round trip under way; returns every round trip's time. Throws if one failed.</summary>
    public async Task<IReadOnlyList<TimeSpan>> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        return _roundTrips;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (Exception)
        {
            // Reported by StopAsync when the test asked; disposing must not throw.
        }

        await _client.DisposeAsync();
        _stop.Dispose();
    }

    private async Task ChatAsync()
    {
        for (int i = 0; !_stop.IsCancellationRequested; i++)
        {
            var took = Stopwatch.StartNew();
            string ping = $"{_name} ping {i}";
            string pong = $"{_name} pong {i}";
            await _client.SendAsync(ping);
            await Eventually.True(() => _live.CountMessages(ping) == 1, $"the server to get {ping}", s_step);
            await _live.Server.SendAsync(pong);
            await Eventually.True(() => _received.Contains(pong), $"{_name} to get {pong}", s_step);
            _roundTrips.Add(took.Elapsed);
            await Task.Delay(20);
        }
    }
}
