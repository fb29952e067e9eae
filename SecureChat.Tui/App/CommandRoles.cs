namespace SecureChat.Tui.App;

/// <summary>Which side a command is for: a client, a server (a hub's operator), or both.</summary>
[Flags]
internal enum CommandRoles
{
    Client = 1,
    Server = 2,
    Both = Client | Server,
}
