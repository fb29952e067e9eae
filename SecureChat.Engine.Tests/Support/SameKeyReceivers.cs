using System.Buffers;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Tests.Support;

/// <summary>
/// One established <see cref="SessionPair"/> and any number of fresh server sessions that hold exactly its server's
/// keys and receive sequence number, so a record its client sealed once can be fed, altered, to a new receiver per
/// attempt, each of which would have accepted the original. The server draws its randomness from a
/// <see cref="FixedRandom"/>, and a new receiver is given the client's recorded handshake bytes: it derives the same
/// keys at the cost of the server's half of one handshake. Receivers start right after the handshake, so feed them
/// the client's first records.
/// </summary>
internal sealed class SameKeyReceivers : IDisposable
{
    private const byte ServerRandomFill = 0x5A;

    private readonly List<byte[]> _clientHandshake;

    private SameKeyReceivers(SessionPair pair, List<byte[]> clientHandshake)
    {
        Pair = pair;
        _clientHandshake = clientHandshake;
    }

    /// <summary>The original pair: seal records with its client.</summary>
    public SessionPair Pair { get; }

    public static SameKeyReceivers Establish()
    {
        var pair = new SessionPair(SessionPair.Settings(SessionRole.Client), ServerSettings());
        var clientHandshake = new List<byte[]>();
        pair.Start();
        for (int round = 0; ; round++)
        {
            round.ShouldBeLessThan(100, "the handshake did not settle");
            pair.RunJobs(pair.Client);
            pair.RunJobs(pair.Server);
            byte[] toServer = pair.Take(pair.Client);
            if (toServer.Length > 0)
            {
                clientHandshake.Add(toServer);
                pair.Deliver(pair.Server, toServer);
            }

            byte[] toClient = pair.Take(pair.Server);
            if (toClient.Length > 0)
            {
                pair.Deliver(pair.Client, toClient);
            }

            if (toServer.Length == 0 && toClient.Length == 0)
            {
                break;
            }
        }

        pair.Client.Stage.ShouldBe(SessionStage.Secure, pair.Client.Failure?.Message);
        pair.Server.Stage.ShouldBe(SessionStage.Secure, pair.Server.Failure?.Message);
        pair.ClientEvents.Clear();
        pair.ServerEvents.Clear();
        return new SameKeyReceivers(pair, clientHandshake);
    }

    /// <summary>A new secure server session with the pair's server keys, that has received no record yet.</summary>
    public Receiver NewReceiver()
    {
        var receiver = new Receiver(new SecureSession(ServerSettings()));
        receiver.Session.Start();
        foreach (byte[] chunk in _clientHandshake)
        {
            receiver.Deliver(chunk);
        }

        receiver.Session.Stage.ShouldBe(SessionStage.Secure, receiver.Session.Failure?.Message);
        receiver.Session.Fingerprint.ShouldBe(Pair.Server.Fingerprint, "a replayed server must derive the same keys");
        receiver.Events.Clear();
        return receiver;
    }

    public void Dispose() => Pair.Dispose();

    /// <summary>
    /// One identity for every receiver: Ed25519 signatures are deterministic, so each replayed server sends the same
    /// ServerAuth, which the client's recorded ClientAuth covers.
    /// </summary>
    private static readonly EphemeralSigner s_serverIdentity = new();

    private static SessionSettings ServerSettings() =>
        SessionPair.Settings(SessionRole.Server) with { Random = new FixedRandom(ServerRandomFill), Identity = s_serverIdentity };

    /// <summary>A server session with its chat, fed by hand; its output is discarded, its events collected, its group records handed to <see cref="GroupRecords"/>.</summary>
    internal sealed class Receiver : IDisposable
    {
        public Receiver(SecureSession session)
        {
            Session = session;
            Chat = new ChatChannel(session) { HubRecords = GroupRecords };
        }

        public SecureSession Session { get; }

        public ChatChannel Chat { get; }

        public List<SessionEvent> Events { get; } = [];

        public GroupRecordRecorder GroupRecords { get; } = new();

        /// <summary>Feeds <paramref name="bytes"/>, running key derivation when the session waits for it.</summary>
        public void Deliver(ReadOnlySpan<byte> bytes)
        {
            Session.Receive(bytes);
            for (int i = 0; i < 4 && Session.KeyDerivationPending; i++)
            {
                Session.DeriveKeys();
            }

            _ = Session.ExchangeOutput(new ArrayBufferWriter<byte>());
            int before = Events.Count;
            Session.DrainEvents(Events);
            GroupRecordRecorder.DeliverAll(Events.Skip(before));
        }

        public void Dispose() => Session.Dispose();
    }
}
