namespace SecureChat.Tui.App;

/// <summary>
/// A direct message sent by name (<c>/msg NAME</c>) that the hub has not answered yet: its answer (Reply Done with
/// the recipient's identity) opens the query window it is shown in, or a refusal is said in <see cref="Window"/>,
/// where it was typed. Immutable.
/// </summary>
internal sealed record PendingDirect(string Name, string Text, string Window);
