using SecureChat.Engine.Transport;

namespace SecureChat.Bench;

/// <summary>
/// A SecureChat server and one client over 127.0.0.1 at the default settings, secure, joined, and both members of
/// #lobby's MLS group (PROTOCOL.md 4.8: the hub's operator founds it and commits the client's add): one text each way
/// has gone through the group before the caller gets the pair, so a message sent after is a PrivateMessage in a
/// GroupMessage, relayed as a GroupRelay, never one waiting for the group. Handlers are attached by the caller before
/// its own traffic. Dispose stops both.
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
        await FormLobbyGroupAsync(client, server).ConfigureAwait(false);
        return new SecureLink(server, client);
    }

    /// <summary>
    /// Once <paramref name="client"/> is a member of #lobby's group (its Welcome processed), one text each way between it and the hub's operator, so both are
    /// members of the lobby's MLS group with the other's leaf.
    /// </summary>
    public static async Task FormLobbyGroupAsync(ChatClient client, ChatServer server)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        while (client.GroupOf(Engine.Protocol.GroupTarget.ForRoom(ChatEndpoint.Lobby)).Status != Engine.Groups.MemberGroupStatus.Member)
        {
            if (System.Diagnostics.Stopwatch.GetElapsedTime(start) > s_timeout)
            {
                throw new TimeoutException("the client is not in #lobby's group");
            }

            await Task.Delay(5).ConfigureAwait(false);
        }

        await ExchangeAsync(client, server).ConfigureAwait(false);
        await ExchangeAsync(server, client).ConfigureAwait(false);
    }

    /// <summary>One text from <paramref name="from"/> in #lobby's group, waited for at <paramref name="to"/>.</summary>
    private static async Task ExchangeAsync(ChatEndpoint from, ChatEndpoint to)
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnMessage(ChatMessage message) => arrived.TrySetResult();
        to.MessageReceived += OnMessage;
        try
        {
            await from.SendAsync("group formed").ConfigureAwait(false);
            await arrived.Task.WaitAsync(s_timeout).ConfigureAwait(false);
        }
        finally
        {
            to.MessageReceived -= OnMessage;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync().AsTask().WaitAsync(s_timeout).ConfigureAwait(false);
        await Server.DisposeAsync().AsTask().WaitAsync(s_timeout).ConfigureAwait(false);
    }
}
