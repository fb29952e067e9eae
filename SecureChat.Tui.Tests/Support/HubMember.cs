using SecureChat.Engine.Crypto;
using SecureChat.Engine.Transport;
using SecureChat.Tui.App;
using SecureChat.Tui.Headless;

namespace SecureChat.Tui.Tests.Support;

/// <summary>
/// One person on a real hub for model tests: a client with its own identity, connected on 127.0.0.1, followed by a
/// headless <see cref="ChatModel"/> that tells a <see cref="RecordingView"/>. Dispose detaches and stops it.
/// </summary>
internal sealed class HubMember : IAsyncDisposable
{
    private readonly EphemeralSigner _key = new();

    private HubMember(string name)
    {
        Identity = IdentityFingerprint.Of(_key.PublicKey);
        Client = new ChatClient(new ChatOptions { Name = name, Identity = _key });
        Model = new ChatModel(Client, isServer: false, View, new ClassicWords()) { OwnIdentity = Identity };
    }

    public string Identity { get; }

    public ChatClient Client { get; }

    public RecordingView View { get; } = new();

    public ChatModel Model { get; }

    /// <summary>Connects a member named <paramref name="name"/> and waits until it is in <c>#lobby</c>.</summary>
    public static async Task<HubMember> JoinAsync(int port, string name)
    {
        var member = new HubMember(name);
        await member.Client.ConnectAsync("127.0.0.1", port).WaitAsync(LoopbackPair.Wait);
        member.WaitFor(l => l.Event == "entered" && l.Window == ChatEndpoint.Lobby, $"{name} in #lobby");
        return member;
    }

    /// <summary>Types a line as the user would (headless: no window given).</summary>
    public Task TypeAsync(string line) => Model.EnterAsync(line);

    public ChatLine WaitFor(Func<ChatLine, bool> condition, string what) => View.WaitForLine(condition, LoopbackPair.Wait, what);

    public async ValueTask DisposeAsync()
    {
        Model.Detach();
        await Client.StopAsync().WaitAsync(LoopbackPair.Wait);
        _key.Dispose();
    }
}
