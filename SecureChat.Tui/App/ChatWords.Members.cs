using SecureChat.Engine.Session.Trust;

namespace SecureChat.Tui.App;

/// <summary>The words about who is who among a client's fellow members: trust words, safety numbers, changed identities.</summary>
internal abstract partial class ChatWords
{
    /// <summary>A member's trust word: new (first seen now), known, verified, or CHANGED (the name came with another identity).</summary>
    public static string MemberTrustWord(TrustState state) => state switch
    {
        TrustState.Known => "known",
        TrustState.Verified => "verified",
        TrustState.Changed => "CHANGED",
        _ => "new",
    };

    /// <summary><c>/verify NAME</c>: the number both people read to each other.</summary>
    public ChatLine SafetyNumber(string name, string number) => ChatLine.Of(
        "safety_number",
        $"safety number of you and {name}: {number} (read it to each other out of band: both screens must show the same digits)",
        ChatLine.Field("name", name),
        ChatLine.Field("number", number));

    public ChatLine MemberVerified(string name, string identity) => ChatLine.Of(
        "verified",
        $"{name}'s identity {identity} is now verified on this server; if your safety numbers differed, someone stands between you: do not trust {name} here",
        ChatLine.Field("from", name),
        ChatLine.Field("identity", identity));

    /// <summary>A member name came with another identity than the one pinned: the loud warning, once.</summary>
    public ChatLine MemberChanged(string name, string identity, string pinned) => ChatLine.Error(
        $"WARNING: {name} now comes with another identity ({identity}, was {pinned}): your messages where {name} is are held; compare safety numbers (/verify {name}) or /accept {name}") with
    {
        Event = "identity_changed",
        Fields = [ChatLine.Field("name", name), ChatLine.Field("identity", identity), ChatLine.Field("pinned", pinned)],
    };

    /// <summary>What the status bar says while changed identities hold messages.</summary>
    public static string ChangedAlert(IReadOnlyList<string> names) =>
        $"IDENTITY CHANGED: {string.Join(", ", names)} (/accept or /verify)";

    /// <summary>One of the user's messages waits for a changed identity to be accepted.</summary>
    public ChatLine Held(IReadOnlyList<string> names, string text) => ChatLine.Of(
        "held",
        $"held, not sent until you /accept {string.Join(" or ", names)} (another identity than the one pinned): {text}",
        ChatLine.Field("names", names),
        ChatLine.Field("text", text));

    public ChatLine MemberAccepted(string name, string identity, int released) => ChatLine.Of(
        "accepted",
        $"{name} is identity {identity} from now on (known, not verified)" + (released > 0 ? $"; sending the {Count(released, "held message", "held messages")}" : string.Empty),
        ChatLine.Field("name", name),
        ChatLine.Field("identity", identity),
        ChatLine.Field("released", released));

    /// <summary>The chat ended with messages still held for a changed identity: one line says so and carries them (<c>--json</c>: <c>unsent</c>), one line each follows.</summary>
    public IEnumerable<ChatLine> HeldAtQuit(IReadOnlyList<string> lines)
    {
        yield return ChatLine.Error(
            $"{Count(lines.Count, "message", "messages")} held for a changed identity {(lines.Count == 1 ? "was" : "were")} not sent: the chat ended before /accept") with
        {
            Event = "unsent",
            Fields = [ChatLine.Field("count", lines.Count), ChatLine.Field("lines", lines), ChatLine.Field("input_left", false)],
        };
        foreach (string line in lines)
        {
            yield return ChatLine.Error("  not sent: " + line) with { Event = "unsent", Repeats = true };
        }
    }

    public ChatLine NotChanged(string name) => ChatLine.Error($"{name}'s identity has not changed: nothing to accept");
}
