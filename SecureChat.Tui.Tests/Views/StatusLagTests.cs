using SecureChat.Tui.App;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.Views;

/// <summary>The status bar of a client whose link reports its lag, and of one that waits to reconnect.</summary>
[Collection(TerminalGuiCollection.Name)]
public sealed class StatusLagTests
{
    private const string Key = "52AF 00D3 F7B2 AAE5 E876 1E71 5910 1789";

    [Theory]
    [InlineData("lag 12 ms")]
    [InlineData("lag ?")]
    public void The_lag_follows_the_peer_in_the_status_bar(string lag)
    {
        using var screen = new TestScreen(200, 10);
        screen.Window.SetStatus(new ChatStatus("secure", Key, "peer 127.0.0.1:12345", "Bob") { Lag = lag });
        string status = screen.Screen().Split('\n').Single(l => l.Contains("F10", StringComparison.Ordinal));
        status.ShouldContain($"│ peer 127.0.0.1:12345, {lag} │");
    }

    [Fact]
    public void A_client_waiting_to_reconnect_shows_the_countdown_as_its_stage()
    {
        using var screen = new TestScreen(120, 10);
        screen.Window.SetStatus(new ChatStatus(ChatWords.ReconnectStage(TimeSpan.FromSeconds(3.6), 3), null, "peer 127.0.0.1:12345", "Bob"));
        string status = screen.Screen().Split('\n').Single(l => l.Contains("F10", StringComparison.Ordinal));
        status.ShouldContain("│ reconnecting in 4 s (attempt 3) │ key: none yet │ peer 127.0.0.1:12345 │");
    }
}
