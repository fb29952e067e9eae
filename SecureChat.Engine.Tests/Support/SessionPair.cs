using System.Buffers;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Tests.Support;

/// <summary>
/// A client and a server <see cref="SecureSession"/> wired together in memory: bytes one side wrote are delivered
/// to the other (whole, or one byte at a time), <see cref="SecureSession.DeriveKeys"/> runs whenever a side waits
/// for it, and every event is collected per side. No sockets, no threads.
/// </summary>
internal sealed class SessionPair : IDisposable
{
    /// <summary>
    /// PBKDF2 iterations for tests that are not about iterations: the server's count and the client's minimum, so a
    /// handshake costs milliseconds instead of a 100,000-round derivation (the session settings take any count in range).
    /// </summary>
    public const int FastIterations = 1_000;

    public SessionPair(SessionSettings client, SessionSettings server)
    {
        client.Role.ShouldBe(SessionRole.Client);
        server.Role.ShouldBe(SessionRole.Server);
        Client = new SecureSession(client);
        Server = new SecureSession(server);
        ClientChat = new ChatChannel(Client);
        ServerChat = new ChatChannel(Server);
    }

    /// <summary>An identity digest for the records a test's hub relays as its operator's.</summary>
    public static readonly byte[] OperatorDigest = [.. Enumerable.Repeat((byte)0x0A, 32)];

    public SecureSession Client { get; }

    public SecureSession Server { get; }

    /// <summary>The chat on top of <see cref="Client"/> (sends Nick, Request and group records).</summary>
    public ChatChannel ClientChat { get; }

    public ChatChannel ServerChat { get; }

    public List<SessionEvent> ClientEvents { get; } = [];

    public List<SessionEvent> ServerEvents { get; } = [];

    /// <summary>Where both sides' group records go as they arrive, once <see cref="RecordGroups"/> was called; else nowhere.</summary>
    public GroupRecordRecorder? GroupRecords { get; private set; }

    /// <summary>Deliver every byte in its own <see cref="SecureSession.Receive"/> call.</summary>
    public bool Trickle { get; set; }

    /// <param name="earlyCommit">
    /// Client: the early Commit (the default, as in the product); false drives the classic flights one message at a
    /// time (ClientHello, ServerHello, Commit, KeyShare, Reveal), as the tests of each message's checks do.
    /// </param>
    public static SessionSettings Settings(SessionRole role, DhGroupId group = DhGroupId.Ffdhe2048, int iterations = FastIterations, string passphrase = "", bool earlyCommit = true) => new()
    {
        Role = role,
        EarlyCommit = earlyCommit,
        Group = group,
        Iterations = iterations,
        Passphrase = System.Text.Encoding.UTF8.GetBytes(passphrase),
    };

    public static SessionPair Create(DhGroupId group = DhGroupId.Ffdhe2048, int iterations = FastIterations, string clientPassphrase = "", string serverPassphrase = "", bool trickle = false, bool earlyCommit = true) =>
        new(Settings(SessionRole.Client, group, iterations, clientPassphrase, earlyCommit), Settings(SessionRole.Server, group, iterations, serverPassphrase)) { Trickle = trickle };

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

    /// <summary>
    /// From now on both sides' group records (the server's GroupMessages, the client's GroupRelays...) go, as they
    /// arrive, to one recorder (<see cref="GroupRecords"/>), as a link hands them to its owner.
    /// </summary>
    public GroupRecordRecorder RecordGroups()
    {
        GroupRecords = new GroupRecordRecorder();
        ClientChat.MemberRecords = GroupRecords;
        ServerChat.HubRecords = GroupRecords;
        return GroupRecords;
    }

    public void Start()
    {
        Server.Start();
        Client.Start();
        Collect();
    }

    /// <summary>
    /// Moves bytes both ways until neither side has anything left to say (bounded, so a loop fails the test), running
    /// each side's pending jobs (derivation, rekey exponentiations) in place as a driver would off its lock.
    /// </summary>
    public void Pump(int maxRounds = 1_000)
    {
        for (int round = 0; round < maxRounds; round++)
        {
            RunJobs(Client);
            RunJobs(Server);
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

    /// <summary>Runs <paramref name="side"/>'s pending jobs in place and collects the events they raised.</summary>
    public void RunJobs(SecureSession side)
    {
        for (int i = 0; i < 8; i++)
        {
            if (side.KeyDerivationReady)
            {
                side.DeriveKeys();
            }
            else if (side.TakeRekeyJob() is { } job)
            {
                job.Run();
                side.CompleteRekeyJob(job);
            }
            else
            {
                break;
            }
        }

        Collect();
    }

    /// <summary>Takes (and removes) what <paramref name="side"/> has written for its peer.</summary>
    public byte[] Take(SecureSession side)
    {
        ArrayBufferWriter<byte> written = side.ExchangeOutput(new ArrayBufferWriter<byte>());
        Collect();
        return written.WrittenSpan.ToArray();
    }

    /// <summary>Feeds bytes to <paramref name="side"/> (trickled if asked), running key derivation when it waits for it.</summary>
    public void Deliver(SecureSession side, ReadOnlySpan<byte> bytes)
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

    public List<SessionEvent> EventsOf(SecureSession side) => side == Client ? ClientEvents : ServerEvents;

    public List<T> EventsOf<T>(SecureSession side)
        where T : SessionEvent => [.. EventsOf(side).OfType<T>()];

    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
    }

    private static void DeriveIfPending(SecureSession side)
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
        Collect(Client, ClientEvents);
        Collect(Server, ServerEvents);
    }

    private void Collect(SecureSession side, List<SessionEvent> events)
    {
        int before = events.Count;
        side.DrainEvents(events);
        if (GroupRecords is not null)
        {
            GroupRecordRecorder.DeliverAll(events.Skip(before));
        }
    }
}
