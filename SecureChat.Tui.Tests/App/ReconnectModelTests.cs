using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;
using SecureChat.Tui.App;
using SecureChat.Tui.Tests.Support;
using SecureChat.Tui.Views;

namespace SecureChat.Tui.Tests.App;

/// <summary>
/// The model of a client that reconnects, against real servers on 127.0.0.1 (a hub stopped, and another started on
/// its port), on a fake clock for the pauses: the countdown, lines typed meanwhile, <c>/reconnect</c>, and what a
/// hub acknowledges (raised as the engine raises it).
/// </summary>
public sealed class ReconnectModelTests(ITestOutputHelper output) : IAsyncDisposable
{
    private static readonly TimeSpan s_wait = LoopbackPair.Wait;

    // The client's key packages carry lifetimes from its clock, which starts at the hubs' time so that they accept them.
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly List<ChatServer> _hubs = [];
    private ChatClient? _client;
    private ChatModel? _model;

    public async ValueTask DisposeAsync()
    {
        _model?.Detach();
        if (_client is not null)
        {
            await _client.StopAsync().WaitAsync(s_wait);
        }

        foreach (ChatServer hub in _hubs)
        {
            await hub.StopAsync().WaitAsync(s_wait);
        }
    }

    private sealed record Hub(ChatServer Server, ConcurrentQueue<string> Received);

    private Hub StartHub(int port)
    {
        var server = new ChatServer(new ChatOptions { Name = "Hub" });
        var received = new ConcurrentQueue<string>();
        server.MessageReceived += m => received.Enqueue(m.Text);
        server.Start("127.0.0.1", port);
        _hubs.Add(server);
        return new Hub(server, received);
    }

    private async Task<(Hub Hub, RecordingView View, ChatModel Model, ChatClient Client)> ConnectedAsync()
    {
        Hub hub = StartHub(0);
        _client = new ChatClient(new ChatOptions { Name = "Bob", Reconnect = true, Time = _time, HeartbeatInterval = TimeSpan.FromHours(1), IdleTimeout = TimeSpan.FromHours(2) });
        var view = new RecordingView();
        _model = new ChatModel(_client, isServer: false, view, new ScreenWords()) { Time = _time };
        await _client.ConnectAsync("127.0.0.1", hub.Server.LocalEndPoint!.Port).WaitAsync(s_wait);
        return (hub, view, _model, _client);
    }

    private static ChatStatus WaitForStatus(RecordingView view, Func<ChatStatus, bool> condition, string what)
    {
        DateTime deadline = DateTime.UtcNow + s_wait;
        while (true)
        {
            if (view.Statuses.LastOrDefault(condition) is { } status)
            {
                return status;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new ShouldAssertException($"no status {what}; the last: {view.Statuses.LastOrDefault()}");
            }

            Thread.Sleep(20);
        }
    }

    private static async Task Eventually(Func<bool> condition, string what)
    {
        DateTime deadline = DateTime.UtcNow + s_wait;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new ShouldAssertException($"timed out waiting for {what}");
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task A_line_typed_while_the_hub_is_away_is_shown_pending_at_once_and_arrives_once_when_the_client_is_back()
    {
        (Hub first, RecordingView view, ChatModel model, _) = await ConnectedAsync();
        int port = first.Server.LocalEndPoint!.Port;

        await first.Server.StopAsync();
        view.WaitForLine(l => l.Event == "reconnecting", s_wait, "the reconnect notice");
        ChatStatus countdown = WaitForStatus(view, s => s.Stage.EndsWith("(attempt 1)", StringComparison.Ordinal), "counting down to attempt 1");
        countdown.Stage.ShouldBe("reconnecting in 1 s (attempt 1)", "0.8 to 1.2 s, rounded");
        model.IsReconnecting.ShouldBeTrue();
        await model.EnterAsync("said while away");
        await model.EnterAsync("/me waits");
        await model.EnterAsync("and a third");

        ChatLine pending = view.Lines.First(l => l.Kind == LineKind.Own);
        view.Lines.Where(l => l.Kind == LineKind.Own).ShouldAllBe(l => l.Pending);
        pending.Pending.ShouldBeTrue();
        pending.Id.ShouldBeGreaterThan(0);
        view.Lines.ShouldNotContain(l => l.Kind == LineKind.Error, "a line typed while reconnecting is not refused");

        Hub second = StartHub(port);
        _time.Advance(TimeSpan.FromSeconds(1.2)); // the longest first pause
        await Eventually(() => second.Received.Contains("and a third"), "the pending lines at the restarted hub");
        ChatLine sent = view.WaitForLine(l => l.Event == "pending_sent", s_wait, "the pending lines reported sent");
        sent.Text.ShouldBe("sent the 3 lines typed while the connection was away");
        await Task.Delay(300, TestContext.Current.CancellationToken); // a second copy would have come by now

        output.WriteLine($"the restarted hub received: {string.Join(" | ", second.Received)}; updates: {string.Join(", ", view.Updates.Select(u => $"#{u.Id} pending={u.Pending}"))}");
        second.Received.ToArray().ShouldBe(["said while away", "/me waits", "and a third"], customMessage: "each once, in the order typed");
        view.Updates.Where(u => !u.Pending && !u.Acknowledged).Select(u => u.Id).ToArray().ShouldBe([.. view.Lines.Where(l => l.Kind == LineKind.Own).Select(l => l.Id)], customMessage: "each line marked sent, in order");
        model.IsReconnecting.ShouldBeFalse();
        model.Pending.ShouldBeEmpty();
        view.Statuses[^1].Stage.ShouldBe("secure");
        view.Statuses[^1].KeyHash.ShouldNotBeNull();
    }

    [Fact]
    public async Task The_status_counts_down_to_the_next_attempt_and_reconnect_tries_at_once()
    {
        (Hub first, RecordingView view, ChatModel model, _) = await ConnectedAsync();
        int port = first.Server.LocalEndPoint!.Port;
        await first.Server.StopAsync();
        view.WaitForLine(l => l.Event == "reconnecting", s_wait, "the reconnect notice");

        _time.Advance(TimeSpan.FromSeconds(1.2)); // attempt 1: nobody listens
        view.WaitForLine(l => l.Kind == LineKind.Error && l.Text.Contains("connection refused", StringComparison.Ordinal), s_wait, "the refused attempt said");
        ChatStatus before = WaitForStatus(view, s => s.Stage.StartsWith("reconnecting in", StringComparison.Ordinal) && s.Stage.EndsWith("(attempt 2)", StringComparison.Ordinal), "counting down to attempt 2");
        _time.Advance(TimeSpan.FromSeconds(1));
        ChatStatus after = WaitForStatus(view, s => s.Stage != before.Stage && s.Stage.EndsWith("(attempt 2)", StringComparison.Ordinal), "a second less");
        output.WriteLine($"{before.Stage} -> {after.Stage}");
        int Seconds(ChatStatus s) => int.Parse(s.Stage.Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture);
        Seconds(after).ShouldBe(Seconds(before) - 1);
        before.Ended.ShouldBeFalse();
        before.KeyHash.ShouldBeNull();

        StartHub(port);
        await model.EnterAsync("/reconnect");
        view.WaitForLine(l => l.Text == "connecting again now", s_wait, "the /reconnect notice");
        WaitForStatus(view, s => s.Stage == "secure", "secure again without the clock moving");
        await Eventually(() => !model.IsReconnecting, "the model to see the link back");
        await model.EnterAsync("/reconnect");
        view.WaitForLine(l => l.Text == "nothing to reconnect: the connection is up", s_wait, "/reconnect while connected");
    }

    [Fact]
    public async Task Quitting_with_lines_still_pending_lists_them_as_not_sent_once()
    {
        (Hub first, RecordingView view, ChatModel model, _) = await ConnectedAsync();
        await first.Server.StopAsync();
        view.WaitForLine(l => l.Event == "reconnecting", s_wait, "the reconnect notice");
        await model.EnterAsync("first");
        await model.EnterAsync("second");

        IReadOnlyList<ChatLine> report = model.TakePendingReport();

        report.Select(l => l.Text).ShouldBe([
            "2 lines typed while the connection was away were not sent: the connection was not back when the chat ended",
            "  not sent: first",
            "  not sent: second"]);
        report[0].Fields.ShouldContain(f => f.Key == "lines");
        model.TakePendingReport().ShouldBeEmpty();
    }

    [Fact]
    public async Task Own_lines_are_marked_as_the_hub_acknowledges_them_and_a_lost_link_leaves_the_rest_not_confirmed()
    {
        // A hub of its own, which acknowledges only when told (a real one acknowledges each line at once).
        await using var client = new FakeHub("Bob");
        var view = new RecordingView();
        var model = new ChatModel(client, isServer: false, view, new ScreenWords());
        await model.EnterAsync("one");
        await model.EnterAsync("two");
        ChatLine[] own = [.. view.Lines.Where(l => l.Kind == LineKind.Own)];
        own.Select(l => l.Acknowledged).ShouldBe([false, false]);

        EngineEvents.Acknowledged(client, client.Link, 1);

        ChatLine marked = view.Updates.ShouldHaveSingleItem();
        (marked.Id, marked.RawText, marked.Acknowledged).ShouldBe((own[0].Id, "one", true));

        EngineEvents.Failed(client, client.Link, SessionFailure.Create(FailureReason.ConnectionLost));
        view.WaitForLine(l => l.Event == "unconfirmed", s_wait, "the not confirmed report");
        view.Lines.Where(l => l.Event == "unconfirmed").Select(l => l.Text).ShouldBe([
            "1 message you sent is not confirmed: the hub had not acknowledged it when the connection was lost",
            "  not confirmed: two"]);
    }

    [Fact]
    public async Task The_status_shows_the_lag_and_a_question_mark_once_a_probe_has_gone_unanswered_for_five_seconds()
    {
        (_, RecordingView view, ChatModel model, ChatClient client) = await ConnectedAsync();
        WaitForStatus(view, s => s.Lag is not null, "the lag of the probe a client sends once secure"); // the real hub's answer, before the test's own

        EngineEvents.LagMeasured(client, client.Server!, TimeSpan.FromMilliseconds(12.4));
        view.Statuses[^1].Lag.ShouldBe("lag 12 ms");
        _time.Advance(model.ProbeInterval + ChatModel.LagUnanswered);
        view.Statuses[^1].Lag.ShouldBe("lag 12 ms", "the probe is due, and 5 s have not passed beyond that");
        _time.Advance(ChatModel.StatusTick);
        view.Statuses[^1].Lag.ShouldBe("lag ?");

        EngineEvents.LagMeasured(client, client.Server!, TimeSpan.FromMilliseconds(30));
        view.Statuses[^1].Lag.ShouldBe("lag 30 ms");
    }
}
