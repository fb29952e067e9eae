using SecureChat.Engine.Transport;

namespace SecureChat.Tui.Tests.Support;

/// <summary>
/// A real hub on 127.0.0.1 whose operator is Alice, and <see cref="HubMember"/>s joined to it in order (each in
/// <c>#lobby</c>, followed by its own model). Disposing stops the members in the reverse order, then the hub.
/// </summary>
internal sealed class ModelHub : IAsyncDisposable
{
    private readonly List<HubMember> _members = [];

    private ModelHub(ChatServer server, int port)
    {
        Server = server;
        Port = port;
    }

    public ChatServer Server { get; }

    public int Port { get; }

    /// <summary>Starts the hub and joins a member per name, in order.</summary>
    public static async Task<ModelHub> StartAsync(params string[] names)
    {
        var server = new ChatServer(new ChatOptions { Name = "Alice" });
        var hub = new ModelHub(server, server.Start("127.0.0.1", 0).Port);
        try
        {
            foreach (string name in names)
            {
                hub._members.Add(await HubMember.JoinAsync(hub.Port, name));
            }
        }
        catch
        {
            await hub.DisposeAsync();
            throw;
        }

        return hub;
    }

    public void Deconstruct(out HubMember first, out HubMember second) => (first, second) = (_members[0], _members[1]);

    public void Deconstruct(out HubMember first, out HubMember second, out HubMember third) =>
        (first, second, third) = (_members[0], _members[1], _members[2]);

    public async ValueTask DisposeAsync()
    {
        for (int i = _members.Count - 1; i >= 0; i--)
        {
            await _members[i].DisposeAsync();
        }

        await Server.DisposeAsync();
    }
}
