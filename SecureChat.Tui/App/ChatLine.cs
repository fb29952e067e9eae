namespace SecureChat.Tui.App;

/// <summary>One line the model asks a view to show; <see cref="Sender"/> is empty but for messages. Immutable.</summary>
internal sealed record ChatLine(LineKind Kind, string Text, string Sender, DateTimeOffset Time)
{
    public static ChatLine Notice(string text) => new(LineKind.Notice, text, string.Empty, DateTimeOffset.Now);

    public static ChatLine Error(string text) => new(LineKind.Error, text, string.Empty, DateTimeOffset.Now);
}
