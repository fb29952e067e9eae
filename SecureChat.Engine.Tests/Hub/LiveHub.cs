using System.Collections.Concurrent;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Groups;
using SecureChat.Engine.Hub;
using SecureChat.Engine.Identity;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Hub;

/// <summary>
/// A real hub on 127.0.0.1 named "Hub" and members connected to it in order (each secure and in <c>#lobby</c>), with
/// the messages the operator hears recorded from before the first member connects. Disposing leaves the members in
/// the reverse order, then stops the hub.
/// </summary>
internal sealed class LiveHub : IAsyncDisposable
{
    private readonly List<LiveMember> _members = [];

    private LiveHub(ChatServer server, int port)
    {
        Server = server;
        Port = port;
        server.MessageReceived += AtOperator.Enqueue;
    }

    public ChatServer Server { get; }

    public int Port { get; }

    /// <summary>Every message the operator received (room and direct).</summary>
    public ConcurrentQueue<ChatMessage> AtOperator { get; } = new();

    /// <summary>The members, in the order they connected.</summary>
    public IReadOnlyList<LiveMember> Members => _members;

    /// <summary>Starts a hub (<paramref name="options"/> on top of the defaults) and connects a member per name, in order.</summary>
    public static async Task<LiveHub> StartAsync(ChatOptions? options, params string[] names)
    {
        var hub = new LiveHub(StartServer(out int port, options: options), port);
        try
        {
            foreach (string name in names)
            {
                hub._members.Add(await LiveMember.ConnectAsync(port, name));
            }
        }
        catch
        {
            await hub.DisposeAsync();
            throw;
        }

        return hub;
    }

    /// <summary>
    /// Waits until every member is a member of <paramref name="room"/>'s MLS group, all at the same epoch (so all were
    /// added): a member reads only the texts of the epochs it was in.
    /// </summary>
    public Task InOneEpochAsync(string room) =>
        Eventually.True(
            () =>
            {
                var groups = _members.Select(m => m.Client.GroupOf(GroupTarget.ForRoom(room))).ToList();
                return groups.All(g => g.Status == MemberGroupStatus.Member) && groups.Select(g => g.Epoch).Distinct().Count() == 1;
            },
            $"every member in {room}'s group at one epoch");

    /// <summary>Starts a hub at the defaults and connects a member per name, in order.</summary>
    public static Task<LiveHub> StartAsync(params string[] names) => StartAsync(null, names);

    public void Deconstruct(out LiveMember first, out LiveMember second) => (first, second) = (_members[0], _members[1]);

    public void Deconstruct(out LiveMember first, out LiveMember second, out LiveMember third) =>
        (first, second, third) = (_members[0], _members[1], _members[2]);

    /// <summary>A hub on 127.0.0.1 named "Hub", with bans in <paramref name="configDir"/> when given.</summary>
    public static ChatServer StartServer(out int port, string? configDir = null, ISigner? identity = null, ChatOptions? options = null)
    {
        options ??= new ChatOptions();
        var server = new ChatServer((options with
        {
            Name = "Hub",
            Identity = identity ?? new EphemeralSigner(),
            Bans = configDir is null ? null : new RoomBanFile(ConfigDirectory.Open(configDir)),
        }).FromOneAddress());
        port = server.Start("127.0.0.1", 0).Port;
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        for (int i = _members.Count - 1; i >= 0; i--)
        {
            await _members[i].DisposeAsync();
        }

        await Server.DisposeAsync();
    }
}
