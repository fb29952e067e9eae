namespace SecureChat.Tui.CommandLine;

/// <summary>
/// <c>config.toml</c> cannot be used; <see cref="Exception.Message"/> is one line naming the file, the line and the
/// key ("/home/ann/.config/securechat/config.toml:7: max-peers: 0 is below the minimum 1"). Exit code 2.
/// </summary>
internal sealed class ConfigFileInvalidException(string message) : Exception(message);
