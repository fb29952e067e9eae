using System.Collections.Concurrent;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Hub;

/// <summary>
/// A real <see cref="ChatClient"/> on 127.0.0.1 with everything the hub tells it recorded: messages, presence, room
/// notices and replies. Connected means secure and in <c>#lobby</c>.
/// </summary>
internal sealed class LiveMember : IAsyncDisposable
{
    private LiveMember(ChatClient client, SeededSigner key)
    {
        Client = client;
        Key = key;
        Identity = IdentityFingerprint.Of(key.PublicKey);
        client.MessageReceived += Messages.Enqueue;
        client.PresenceChanged += Presence.Enqueue;
        client.RoomChanged += Rooms.Enqueue;
        client.Replied += Replies.Enqueue;
        client.Failed += (_, f) => Failures.Enqueue(f.Reason + ": " + f.Message);
    }

    public ChatClient Client { get; }

    public SeededSigner Key { get; }

    /// <summary>This member's identity fingerprint (as the engine formats it).</summary>
    public string Identity { get; }

    public ConcurrentQueue<ChatMessage> Messages { get; } = new();

    public ConcurrentQueue<PresenceNotice> Presence { get; } = new();

    public ConcurrentQueue<RoomNotice> Rooms { get; } = new();

    public ConcurrentQueue<HubReply> Replies { get; } = new();

    public ConcurrentQueue<string> Failures { get; } = new();

    /// <summary>
    /// Connects under <paramref name="name"/> (with the identity of <paramref name="seed"/>, or a new one; its groups
    /// kept in <paramref name="groups"/> when given) and waits until it is in <c>#lobby</c>.
    /// </summary>
    public static async Task<LiveMember> ConnectAsync(int port, string name, byte[]? seed = null, Engine.Identity.ConfigDirectory? groups = null)
    {
        var key = new SeededSigner(seed ?? System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var member = new LiveMember(new ChatClient(new ChatOptions { Name = name, Identity = key, GroupDirectory = groups }), key);
        await member.Client.ConnectAsync("127.0.0.1", port).WaitAsync(Eventually.DefaultTimeout);
        await member.EnteredAsync(ChatEndpoint.Lobby);
        return member;
    }

    /// <summary>Waits until the hub said this member entered <paramref name="room"/>.</summary>
    public Task EnteredAsync(string room) =>
        Eventually.True(() => Rooms.Any(r => r.Kind == RoomNoticeKind.Entered && r.Room == room), $"{Client.Name} to enter {room}");

    /// <summary>Joins a room and waits until it is in.</summary>
    public Task JoinAsync(string room)
    {
        Client.Request(new RoomRequest(RoomOp.Join, room));
        return EnteredAsync(room);
    }

    /// <summary>Waits for a message with this text and returns it.</summary>
    public Task<ChatMessage> MessageAsync(string text) =>
        Eventually.Value(() => Messages.FirstOrDefault(m => m.Text == text), $"{Client.Name} to receive '{text}'");

    public Task<HubReply> ReplyAsync(Func<HubReply, bool> which, string what) =>
        Eventually.Value(() => Replies.FirstOrDefault(which), $"{Client.Name} to be answered: {what}");

    public Task<RoomNotice> NoticeAsync(RoomNoticeKind kind, string room) =>
        Eventually.Value(() => Rooms.FirstOrDefault(r => r.Kind == kind && r.Room == room), $"{Client.Name} to hear {kind} in {room}");

    public bool Got(string text) => Messages.Any(m => m.Text == text);

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        Key.Dispose();
    }
}
