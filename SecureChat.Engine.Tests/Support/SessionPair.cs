using System.Buffers;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Tests.Support;

/// <summary>
/// A client and a server <see cref="ChatSession"/> wired together in memory: bytes one side wrote are delivered
/// to the other (whole, or one byte at a time), <see cref="ChatSession.DeriveKeys"/> runs whenever a side waits
/// for it, and every event is collected per side. No sockets, no threads.
/// </summary>
internal sealed class SessionPair : IDisposable
{
    /// <summary>
    /// PBKDF2 iterations for tests that are not about iterations: both sides' settings name the same lower
    /// minimum, which the session accepts, so a handshake costs milliseconds instead of a 100,000-round derivation.
    /// </summary>
    public const int FastIterations = 1_000;

    public SessionPair(SessionSettings client, SessionSettings server)
    {
        client.Role.ShouldBe(SessionRole.Client);
        server.Role.ShouldBe(SessionRole.Server);
        Client = new ChatSession(client);
        Server = new ChatSession(server);
    }

    public ChatSession Client { get; }

    public ChatSession Server { get; }

    public List<SessionEvent> ClientEvents { get; } = [];

    public List<SessionEvent> ServerEvents { get; } = [];

    /// <summary>Deliver every byte in its own <see cref="ChatSession.Receive"/> call.</summary>
    public bool Trickle { get; set; }

    public static SessionSettings Settings(SessionRole role, DhGroupId group = DhGroupId.Ffdhe2048, int iterations = FastIterations, string passphrase = "") => new()
    {
        Role = role,
        Group = group,
        Iterations = iterations,
        Passphrase = System.Text.Encoding.UTF8.GetBytes(passphrase),
    };

    public static SessionPair Create(DhGroupId group = DhGroupId.Ffdhe2048, int iterations = FastIterations, string clientPassphrase = "", string serverPassphrase = "", bool trickle = false) =>
        new(Settings(SessionRole.Client, group, iterations, clientPassphrase), Settings(SessionRole.Server, group, iterations, serverPassphrase)) { Trickle = trickle };

    /// <summary>A pair that has completed its handshake (the test fails if it did not).</summary>
    public static SessionPair Established(DhGroupId group = DhGroupId.Ffdhe2048, Func<SessionSettings, SessionSettings>? client = null, Func<SessionSettings, SessionSettings>? server = null)
    {
        var pair = new SessionPair(
            (client ?? (s => s))(Settings(SessionRole.Client, group)),
            (server ?? (s => s))(Settings(SessionRole.Server, group)));
        pair.Start();
        pair.Pump();
        pair.Client.Stage.ShouldBe(SessionStage.Secure, pair.Client.Failure?.Message);
        pair.Server.Stage.ShouldBe(SessionStage.Secure, pair.Server.Failure?.Message);
        pair.ClientEvents.Clear();
        pair.ServerEvents.Clear();
        return pair;
    }

    public void Start()
    {
        Server.Start();
        Client.Start();
        Collect();
    }

    /// <summary>Moves bytes both ways until neither side has anything left to say (bounded, so a loop fails the test).</summary>
    public void Pump(int maxRounds = 1_000)
    {
        for (int round = 0; round < maxRounds; round++)
        {
            bool moved = false;
            byte[] toServer = Take(Client);
            if (toServer.Length > 0)
            {
                Deliver(Server, toServer);
                moved = true;
            }

            byte[] toClient = Take(Server);
            if (toClient.Length > 0)
            {
                Deliver(Client, toClient);
                moved = true;
            }

            if (!moved)
            {
                return;
            }
        }

        throw new InvalidOperationException($"the sessions were still talking after {maxRounds} rounds");
    }

    /// <summary>Takes (and removes) what <paramref name="side"/> has written for its peer.</summary>
    public byte[] Take(ChatSession side)
    {
        ArrayBufferWriter<byte> written = side.ExchangeOutput(new ArrayBufferWriter<byte>());
        Collect();
        return written.WrittenSpan.ToArray();
    }

    /// <summary>Feeds bytes to <paramref name="side"/> (trickled if asked), running key derivation when it waits for it.</summary>
    public void Deliver(ChatSession side, ReadOnlySpan<byte> bytes)
    {
        if (Trickle)
        {
            for (int i = 0; i < bytes.Length; i++)
            {
                side.Receive(bytes.Slice(i, 1));
                DeriveIfPending(side);
            }
        }
        else
        {
            side.Receive(bytes);
            DeriveIfPending(side);
        }

        Collect();
    }

    public List<SessionEvent> EventsOf(ChatSession side) => side == Client ? ClientEvents : ServerEvents;

    public List<T> EventsOf<T>(ChatSession side)
        where T : SessionEvent => [.. EventsOf(side).OfType<T>()];

    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
    }

    private static void DeriveIfPending(ChatSession side)
    {
        // DeriveKeys may process frames that arrived meanwhile, which cannot make it pending again in one
        // handshake, but a loop keeps this honest.
        for (int i = 0; i < 4 && side.KeyDerivationPending; i++)
        {
            side.DeriveKeys();
        }
    }

    private void Collect()
    {
        Client.DrainEvents(ClientEvents);
        Server.DrainEvents(ServerEvents);
    }
}
