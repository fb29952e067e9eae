namespace SecureChat.Engine.History;

/// <summary>A line to keep: who said <see cref="Text"/> in which conversation, when, and whether it was this user.</summary>
public sealed record HistoryMessage(HistoryConversation Conversation, DateTimeOffset Time, string Sender, string Text, bool IsOwn)
{
    public HistoryConversation Conversation { get; } = Conversation ?? throw new ArgumentNullException(nameof(Conversation));

    public string Sender { get; } = Sender ?? throw new ArgumentNullException(nameof(Sender));

    public string Text { get; } = Text ?? throw new ArgumentNullException(nameof(Text));
}
