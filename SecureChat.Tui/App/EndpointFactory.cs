using SecureChat.Engine.Transport;
using SecureChat.Tui.CommandLine;

namespace SecureChat.Tui.App;

/// <summary>Turns the command line's settings (and the passphrase read for them) into engine options.</summary>
internal static class EndpointFactory
{
    public static ChatOptions Options(AppSettings settings, byte[] passphrase) => new()
    {
        Name = settings.Name,
        Group = settings.Group,
        Iterations = settings.Iterations,
        Passphrase = passphrase,
    };

    public static ChatEndpoint Create(AppSettings settings, ChatOptions options) =>
        settings.Role == ChatRole.Server ? new ChatServer(options) : new ChatClient(options);
}
