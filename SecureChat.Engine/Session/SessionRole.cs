namespace SecureChat.Engine.Session;

/// <summary>The connecting side is the client (it commits first); the listening side is the server.</summary>
public enum SessionRole
{
    Client,
    Server,
}
