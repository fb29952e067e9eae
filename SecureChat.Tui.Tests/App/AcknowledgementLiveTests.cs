using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;
using SecureChat.Tui.App;
using SecureChat.Tui.Tests.Support;
using SecureChat.Tui.Views;

namespace SecureChat.Tui.Tests.App;

/// <summary>
/// Against a real hub on 127.0.0.1 (no event raised by hand): each own line gets its mark once the hub has
/// acknowledged it, and the status shows the link's lag from the probe sent when the link became secure. Runs once
/// the engine speaks acknowledgements (the Ack record of protocol v3).
/// </summary>
public sealed class AcknowledgementLiveTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = LoopbackPair.Wait;

    [Fact]
    public async Task Each_own_line_gets_its_mark_from_a_real_hub_and_the_status_shows_the_lag()
    {
        await using var pair = new LoopbackPair();
        var view = new RecordingView();
        var model = new ChatModel(pair.Client, isServer: false, view, new ScreenWords());
        try
        {
            await pair.ConnectAsync();
            await pair.ClientJoined;
            var started = System.Diagnostics.Stopwatch.StartNew();
            for (int i = 1; i <= 3; i++)
            {
                await model.EnterAsync($"line {i}");
            }

            long[] ids = [.. view.Lines.Where(l => l.Kind == LineKind.Own).Select(l => l.Id)];
            ids.Length.ShouldBe(3);
            DateTime deadline = DateTime.UtcNow + s_wait;
            while (!ids.All(id => view.Updates.Any(u => u.Id == id && u.Acknowledged)) || view.Statuses.LastOrDefault()?.Lag is null)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new ShouldAssertException($"not every line was marked, or no lag shown: updates {string.Join(", ", view.Updates.Select(u => $"#{u.Id} ack={u.Acknowledged}"))}; status {view.Statuses.LastOrDefault()}");
                }

                await Task.Delay(20, TestContext.Current.CancellationToken);
            }

            output.WriteLine($"3 lines marked within {started.ElapsedMilliseconds} ms; status: {view.Statuses[^1].Lag}");
            view.Updates.Where(u => u.Acknowledged).Select(u => u.RawText).Distinct().ShouldBe(["line 1", "line 2", "line 3"]);
            view.Statuses[^1].Lag!.ShouldMatch(@"^lag [0-9]+ ms$");
        }
        finally
        {
            model.Detach();
        }
    }
}
