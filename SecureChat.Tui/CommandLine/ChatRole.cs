namespace SecureChat.Tui.CommandLine;

/// <summary>Which end of a chat this process is.</summary>
internal enum ChatRole
{
    Server,
    Client,
}
