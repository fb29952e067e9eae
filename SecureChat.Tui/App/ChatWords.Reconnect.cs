using System.Globalization;

namespace SecureChat.Tui.App;

/// <summary>What a client says about its way back to the server, the lines that wait for it, and what arrived (the same in both modes).</summary>
internal abstract partial class ChatWords
{
    /// <summary>The link is gone and the next attempt is in <paramref name="delay"/>.</summary>
    public ChatLine Reconnecting(TimeSpan delay, int attempt) => ChatLine.Of(
        "reconnecting",
        string.Create(CultureInfo.InvariantCulture, $"connecting again in {delay.TotalSeconds:0.0} s (attempt {attempt}); what you type meanwhile is sent once the connection is back (/reconnect tries now)"),
        ChatLine.Field("delay_ms", (long)delay.TotalMilliseconds),
        ChatLine.Field("attempt", attempt));

    /// <summary><c>/reconnect</c> cut the pause short.</summary>
    public ChatLine ReconnectingNow() => ChatLine.Of("reconnecting", "connecting again now", ChatLine.Field("attempt", null));

    /// <summary><c>/reconnect</c> with nothing to do: the link is up, or it ended and reconnecting is off.</summary>
    public ChatLine NothingToReconnect(string? ended) => ChatLine.Error(ended is null
        ? "nothing to reconnect: the connection is up"
        : $"not reconnecting: {ended}, and reconnecting is off (--no-reconnect, or headless without --reconnect)");

    /// <summary>The lines typed while the connection was away went out, in order, once it was back.</summary>
    public ChatLine PendingSent(int count) => ChatLine.Of(
        "pending_sent",
        $"sent the {Count(count, "line", "lines")} typed while the connection was away",
        ChatLine.Field("count", count));

    /// <summary>
    /// The user quit while lines typed meanwhile still waited for the connection: they were not sent. The first line
    /// says so and carries them (<c>--json</c>: event <c>unsent</c>); one line follows for each.
    /// </summary>
    public IEnumerable<ChatLine> PendingAtQuit(IReadOnlyList<string> lines)
    {
        yield return ChatLine.Error(
            $"{Count(lines.Count, "line", "lines")} typed while the connection was away {(lines.Count == 1 ? "was" : "were")} not sent: the connection was not back when the chat ended") with
        {
            Event = "unsent",
            Fields = [ChatLine.Field("count", lines.Count), ChatLine.Field("lines", lines), ChatLine.Field("input_left", false)],
        };
        foreach (string line in lines.Take(UnconfirmedShownMax))
        {
            yield return ChatLine.Error("  not sent: " + line) with { Event = "unsent", Repeats = true };
        }

        if (lines.Count > UnconfirmedShownMax)
        {
            yield return ChatLine.Error($"  ... and {(lines.Count - UnconfirmedShownMax).ToString("N0", CultureInfo.InvariantCulture)} more (--json lists every one)") with { Event = "unsent", Repeats = true };
        }
    }

    /// <summary>
    /// The link was lost with messages the hub had not acknowledged: they may or may not have arrived. The first line
    /// says so and carries them (<c>--json</c>: event <c>unconfirmed</c>); one line follows for each.
    /// </summary>
    public IEnumerable<ChatLine> NotConfirmed(IReadOnlyList<string> lines)
    {
        yield return ChatLine.Error(
            $"{Count(lines.Count, "message", "messages")} you sent {(lines.Count == 1 ? "is" : "are")} not confirmed: the hub had not acknowledged {(lines.Count == 1 ? "it" : "them")} when the connection was lost") with
        {
            Event = "unconfirmed",
            Fields = [ChatLine.Field("count", lines.Count), ChatLine.Field("lines", lines)],
        };
        foreach (string line in lines.Take(UnconfirmedShownMax))
        {
            yield return ChatLine.Error("  not confirmed: " + line) with { Event = "unconfirmed", Repeats = true };
        }

        if (lines.Count > UnconfirmedShownMax)
        {
            yield return ChatLine.Error($"  ... and {(lines.Count - UnconfirmedShownMax).ToString("N0", CultureInfo.InvariantCulture)} more (--json lists every one)") with { Event = "unconfirmed", Repeats = true };
        }
    }

    /// <summary>The status bar's stage while a client waits to connect again: <c>reconnecting in 4 s (attempt 2)</c> (to the nearest second, at least 1).</summary>
    public static string ReconnectStage(TimeSpan remaining, int attempt) => string.Create(
        CultureInfo.InvariantCulture,
        $"reconnecting in {Math.Max(1, (int)Math.Round(remaining.TotalSeconds, MidpointRounding.AwayFromZero))} s (attempt {attempt})");

    /// <summary>The status bar's lag: <c>lag 12 ms</c>, or <c>lag ?</c> when the last probe went unanswered (<paramref name="lag"/> null).</summary>
    public static string LagWord(TimeSpan? lag) => lag is { } known
        ? string.Create(CultureInfo.InvariantCulture, $"lag {(long)Math.Round(known.TotalMilliseconds)} ms")
        : "lag ?";

    private static string Count(int count, string one, string many) =>
        $"{count.ToString("N0", CultureInfo.InvariantCulture)} {(count == 1 ? one : many)}";
}
