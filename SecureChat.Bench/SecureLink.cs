using SecureChat.Engine.Transport;

namespace SecureChat.Bench;

/// <summary>
/// A SecureChat server and one client over 127.0.0.1 at the default settings, secure and joined (the server has
/// the client's name, so the server's SendAsync reaches it). Handlers are attached by the caller before any
/// traffic. Dispose stops both.
/// </summary>
internal sealed class SecureLink : IAsyncDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    private SecureLink(ChatServer server, ChatClient client)
    {
        Server = server;
        Client = client;
    }

    public ChatServer Server { get; }

    public ChatClient Client { get; }

    public static async Task<SecureLink> ConnectAsync()
    {
        var server = new ChatServer(new ChatOptions { Name = "bench-server" });
        var joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.PresenceChanged += notice =>
        {
            if (notice.Kind == Engine.Protocol.PresenceKind.Joined)
            {
                joined.TrySetResult();
            }
        };
        var endPoint = server.Start("127.0.0.1", 0);
        var client = new ChatClient(new ChatOptions { Name = "bench-client" });
        await client.ConnectAsync("127.0.0.1", endPoint.Port).WaitAsync(s_timeout).ConfigureAwait(false);
        await joined.Task.WaitAsync(s_timeout).ConfigureAwait(false);
        return new SecureLink(server, client);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync().AsTask().WaitAsync(s_timeout).ConfigureAwait(false);
        await Server.DisposeAsync().AsTask().WaitAsync(s_timeout).ConfigureAwait(false);
    }
}
