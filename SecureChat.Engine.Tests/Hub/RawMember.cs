using SecureChat.Engine.Chat;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Tests.Hub;

/// <summary>
/// An attacker's client: a <see cref="RawClient"/> that completed the handshake and seals whatever records it likes,
/// reading the hub's answers as session events.
/// </summary>
internal sealed class RawMember : IAsyncDisposable
{
    private readonly List<SessionEvent> _drain = [];

    private RawMember(RawClient raw) => Raw = raw;

    public RawClient Raw { get; }

    /// <summary>Every event the hub's records raised so far.</summary>
    public List<SessionEvent> Seen { get; } = [];

    public static async Task<RawMember> ConnectAsync(int port, string name)
    {
        RawClient raw = await RawClient.ConnectAsync(port, new SessionSettings { Role = SessionRole.Client, Name = name });
        (await raw.HandshakeAsync()).ShouldBeTrue();
        var member = new RawMember(raw);
        member.Seen.AddRange(raw.Events);
        return member;
    }

    /// <summary>Seals the records <paramref name="write"/> makes and sends them in one write.</summary>
    public Task SendAsync(Action<ChatChannel> write) => Raw.SendAsync(Raw.ProduceChat(write));

    /// <summary>Reads the hub's records until an event of type <typeparamref name="T"/> matches; null when the hub closed first.</summary>
    public async Task<T?> WaitAsync<T>(Func<T, bool> which)
        where T : SessionEvent
    {
        int checkedUpTo = 0;
        while (true)
        {
            for (; checkedUpTo < Seen.Count; checkedUpTo++)
            {
                if (Seen[checkedUpTo] is T match && which(match))
                {
                    return match;
                }
            }

            if (Raw.Session.IsEnded || await Raw.ReadFrameAsync() is not { } frame)
            {
                return null;
            }

            Raw.Session.Receive(frame);
            Raw.Session.DrainEvents(_drain);
            Seen.AddRange(_drain);
            _drain.Clear();
        }
    }

    public ValueTask DisposeAsync() => Raw.DisposeAsync();
}
