using SecureChat.Engine.Transport;

namespace SecureChat.Tui.Tests.Support;

/// <summary>
/// A real <see cref="ChatServer"/> on 127.0.0.1 (a free port) and a <see cref="ChatClient"/> for it, in this
/// process. Disposing stops both, bounded: a hang fails the test instead of stalling the run.
/// </summary>
internal sealed class LoopbackPair : IAsyncDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private readonly TaskCompletionSource _clientJoined = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public LoopbackPair(ChatOptions? serverOptions = null, ChatOptions? clientOptions = null)
    {
        Server = new ChatServer(serverOptions ?? new ChatOptions());
        Server.PresenceChanged += n =>
        {
            if (n.Kind == Engine.Protocol.PresenceKind.Joined)
            {
                _clientJoined.TrySetResult();
            }
        };
        Port = Server.Start("127.0.0.1", 0).Port;
        Client = new ChatClient(clientOptions ?? new ChatOptions());
    }

    public ChatServer Server { get; }

    public ChatClient Client { get; }

    public int Port { get; }

    /// <summary>Completes when the server has seen the client join (its name arrived).</summary>
    public Task ClientJoined => _clientJoined.Task.WaitAsync(Wait);

    public Task ConnectAsync(CancellationToken cancellationToken = default) =>
        Client.ConnectAsync("127.0.0.1", Port, cancellationToken).WaitAsync(Wait, cancellationToken);

    public async ValueTask DisposeAsync() => await Task.WhenAll(Client.StopAsync(), Server.StopAsync()).WaitAsync(Wait);
}
