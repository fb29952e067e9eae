using SecureChat.Engine.Session;

namespace SecureChat.Engine.Transport;

/// <summary>Maps the public <see cref="ChatOptions"/> onto a session's settings.</summary>
internal static class SessionSettingsFactory
{
    public static SessionSettings Create(ChatOptions options, SessionRole role) => new()
    {
        Role = role,
        Group = options.Group,
        Iterations = options.Iterations,
        Passphrase = options.Passphrase,
        RekeyAfterRecords = options.RekeyAfterRecords,
        RekeyAfterTime = options.RekeyAfterTime,
        Time = options.Time,
    };
}
