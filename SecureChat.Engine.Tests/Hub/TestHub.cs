using SecureChat.Engine.Hub;

namespace SecureChat.Engine.Tests.Hub;

/// <summary>
/// A <see cref="HubRouter"/> with recording outputs: the operator (identity 0, name "Op") and clients added by name
/// and identity number; digests print as <c>i0</c>, <c>i1</c>, ... (<c>-</c> for nobody).
/// </summary>
internal sealed class TestHub
{
    private int _nextId = 1;

    public TestHub(HubSettings? settings = null)
    {
        OperatorOutput = new RecordingOutput(Whose);
        Router = new HubRouter(settings ?? new HubSettings(), Digest(0), Key(0), "Op", OperatorOutput);
    }

    public HubRouter Router { get; }

    public RecordingOutput OperatorOutput { get; }

    public static byte[] Digest(int identity) => Enumerable.Repeat((byte)(identity + 1), 32).ToArray();

    public static byte[] Key(int identity) => Enumerable.Repeat((byte)(identity + 101), 32).ToArray();

    /// <summary>Connects a client (its own identity unless given) and clears what everyone recorded so far.</summary>
    public Client Connect(string name, int? identity = null, bool clear = true)
    {
        int id = _nextId++;
        var output = new RecordingOutput(Whose);
        HubMember member = Router.Connect(id, Digest(identity ?? id), Key(identity ?? id), name, output);
        var client = new Client(member, output, this);
        All.Add(client);
        if (clear)
        {
            ClearAll();
        }

        return client;
    }

    /// <summary>Connects a client with a real identity key (<paramref name="keys"/>: its digest and public key are the link's) and clears nothing.</summary>
    public Client Connect(Groups.DsMember keys)
    {
        var output = new RecordingOutput(Whose);
        HubMember member = Router.Connect(_nextId++, Convert.FromHexString(keys.Identity), keys.PublicKey, keys.Name, output);
        var client = new Client(member, output, this);
        All.Add(client);
        return client;
    }

    /// <summary>Connects two clients, in order, as <see cref="Connect"/> does.</summary>
    public (Client, Client) Connect(string first, string second) => (Connect(first), Connect(second));

    /// <summary>Connects three clients, in order, as <see cref="Connect"/> does.</summary>
    public (Client, Client, Client) Connect(string first, string second, string third) =>
        (Connect(first), Connect(second), Connect(third));

    /// <summary>Each client joins <paramref name="room"/>, in order (the first to enter a new room is its operator); nothing is cleared.</summary>
    public void Join(string room, params Client[] clients)
    {
        foreach (Client client in clients)
        {
            client.Ask(Engine.Transport.RoomOp.Join, room);
        }
    }

    public List<Client> All { get; } = [];

    public void ClearAll()
    {
        OperatorOutput.Take();
        foreach (Client client in All)
        {
            client.Output.Take();
        }
    }

    private static string Whose(byte[] digest) => digest.All(b => b == 0) ? "-" : "i" + (digest[0] - 1);

    /// <summary>One connected client.</summary>
    internal sealed record Client(HubMember Member, RecordingOutput Output, TestHub Hub)
    {
        public RequestOutcome Ask(Engine.Transport.RoomOp op, string room, string name = "", string text = "") =>
            Hub.Router.Request(Member, new Engine.Transport.RoomRequest(op, room, name, text));

        public List<string> Take() => Output.Take();
    }
}
