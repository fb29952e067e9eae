using SecureChat.Engine.Chat;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Hub.Groups;

/// <summary>
/// A raw v4 client on 127.0.0.1 with real MLS state (<see cref="DsMember"/>): its session's identity key is its MLS
/// signature key, it publishes key packages, and the group records the hub sends it are kept in order. Not thread-safe.
/// </summary>
internal sealed class LiveGroupMember : IAsyncDisposable
{
    private static readonly GroupTarget s_lobby = GroupTarget.ForRoom("#lobby");
    private int _delivered;
    private int _lobbyCommitsProcessed;

    private LiveGroupMember(DsMember keys, RawClient raw)
    {
        Keys = keys;
        Raw = raw;
        raw.Chat.MemberRecords = Records;
    }

    public DsMember Keys { get; }

    public RawClient Raw { get; }

    public GroupRecordRecorder Records { get; } = new();

    public static Task<LiveGroupMember> ConnectAsync(int port, string name, bool publish = true) =>
        ConnectAsync(port, new DsMember(name), publish);

    /// <summary>A new link of the identity <paramref name="keys"/> (with its group state), e.g. one coming back.</summary>
    public static async Task<LiveGroupMember> ConnectAsync(int port, DsMember keys, bool publish = true)
    {
        string name = keys.Name;
        RawClient raw = await RawClient.ConnectAsync(port, new SessionSettings { Role = SessionRole.Client, Identity = new SeededSigner(keys.SignaturePrivateKey), Name = name });
        var member = new LiveGroupMember(keys, raw);
        (await raw.HandshakeAsync()).ShouldBeTrue();
        if (publish)
        {
            await member.SendAsync(chat => chat.Groups.SendKeyPackages([.. Enumerable.Range(0, 9).Select(_ => keys.NewKeyPackage(TimeProvider.System))], lastResort: true));
        }

        return member;
    }

    public Task SendAsync(Action<ChatChannel> operation) => Raw.SendAsync(Raw.ProduceChat(operation));

    public Task JoinAsync(string room) => SendAsync(chat => chat.SendRequest(RoomOp.Join, room, string.Empty, string.Empty));

    /// <summary>Reads what the hub sends, handing group records to <see cref="Records"/>, until <paramref name="done"/> holds.</summary>
    public Task UntilAsync(Func<LiveGroupMember, bool> done) => Raw.PumpUntilAsync(() =>
    {
        for (; _delivered < Raw.Events.Count; _delivered++)
        {
            if (Raw.Events[_delivered] is GroupRecordEvent group)
            {
                group.Deliver();
            }
        }

        return done(this);
    });

    public int Count<T>() => Records.Of<T>().Count;

    public T Last<T>() => Records.Of<T>().Last();

    /// <summary>The records of type <typeparamref name="T"/> for <paramref name="target"/>'s group, in order: a member of #lobby gets that group's records too.</summary>
    public List<T> Of<T>(GroupTarget target) => [.. Records.Received.Select(r => r.Record).OfType<T>().Where(r => TargetOf(r!).Equals(target))];

    public int Count<T>(GroupTarget target) => Of<T>(target).Count;

    public T Last<T>(GroupTarget target) => Of<T>(target).Last();

    /// <summary>Each record handed over so far, in order, with the index of its event in the raw client's events (to tell what came before it).</summary>
    public List<(int EventIndex, FrameType Type, GroupTarget Target)> Timeline()
    {
        List<int> indices = [.. Raw.Events.Select((e, i) => (e, i)).Where(x => x.e is GroupRecordEvent).Select(x => x.i)];
        return [.. Records.Received.Select((r, n) => (indices[n], r.Type, TargetOf(r.Record)))];
    }

    /// <summary>
    /// Waits for the Welcome into #lobby's group that the member designated (the hub's operator) sends once it added
    /// this member's key package, and joins by it: from then on this member reads and writes #lobby's texts.
    /// </summary>
    public async Task InLobbyAsync()
    {
        await UntilAsync(m => m.Count<WelcomeRelayRecord>(s_lobby) > 0);
        Keys.Join(Last<WelcomeRelayRecord>(s_lobby).Mls);
        _lobbyCommitsProcessed = Count<CommitRelayRecord>(s_lobby);
    }

    /// <summary>
    /// A GroupMessage of <paramref name="text"/> to #lobby's group at its current epoch (the commits relayed since are
    /// processed first, as a member keeps its group current), as the records that carry it.
    /// </summary>
    public byte[] Say(string text)
    {
        ProcessLobbyCommits();
        byte[] message = Keys.Message(text);
        return Raw.ProduceChat(chat => chat.Groups.SendGroupMessage(s_lobby, message));
    }

    /// <summary>
    /// Members in #lobby's group, joined one after the other (see <see cref="InLobbyAsync()"/>), then each brought to the
    /// group's latest epoch, so that what any of them says is current.
    /// </summary>
    public static async Task<LiveGroupMember[]> InLobbyAsync(int port, IEnumerable<string> names)
    {
        List<LiveGroupMember> members = [];
        foreach (string name in names)
        {
            LiveGroupMember member = await ConnectAsync(port, name);
            members.Add(member);
            await member.InLobbyAsync();
        }

        ulong epoch = members.Max(m => m.Keys.State!.Epoch);
        foreach (LiveGroupMember member in members)
        {
            await member.UntilAsync(m =>
            {
                m.ProcessLobbyCommits();
                return m.Keys.State!.Epoch >= epoch;
            });
        }

        return [.. members];
    }

    /// <summary>Processes the commits of #lobby's group relayed since this member last did.</summary>
    private void ProcessLobbyCommits()
    {
        List<CommitRelayRecord> commits = Of<CommitRelayRecord>(s_lobby);
        for (; _lobbyCommitsProcessed < commits.Count; _lobbyCommitsProcessed++)
        {
            Keys.Process(commits[_lobbyCommitsProcessed].Mls, TimeProvider.System);
        }
    }

    /// <summary>Waits for RoomInfo entered for <paramref name="room"/>; returns it.</summary>
    public async Task<RoomInfoEvent> EnteredAsync(string room)
    {
        await UntilAsync(m => m.Raw.Events.OfType<RoomInfoEvent>().Any(e => e.Kind == RoomInfoKind.Entered && e.Room == room));
        return Raw.Events.OfType<RoomInfoEvent>().LastOrDefault(e => e.Kind == RoomInfoKind.Entered && e.Room == room)
            ?? throw new InvalidOperationException($"{Keys.Name} never entered {room}: {string.Join("; ", Raw.Events.TakeLast(4))}");
    }

    /// <summary>Carries out the last GroupTask for <paramref name="target"/>: sends the commit with its Welcome and waits for the CommitResult; merges it when accepted.</summary>
    public async Task<CommitResultRecord> CarryOutTaskAsync(GroupTarget target)
    {
        GroupTaskRecord task = Last<GroupTaskRecord>(target);
        List<uint> removals = [.. task.Removals.Select(d => (uint)DeliveryHarness.TreeIdentities(Keys).IndexOf(Convert.ToHexString(d)))];
        var built = Keys.BuildCommit(removals, [.. task.Joiners.Select(j => j.KeyPackage)], TimeProvider.System);
        CommitResultRecord result = await CommitAsync(task.Target, built.Commit, built.Welcome);
        if (result.Status == CommitStatus.Accepted)
        {
            Keys.State = built.Pending.Merge();
        }

        return result;
    }

    /// <summary>Sends a GroupCommit and waits for its CommitResult.</summary>
    public async Task<CommitResultRecord> CommitAsync(GroupTarget target, byte[] commit, byte[] welcome)
    {
        int before = Count<CommitResultRecord>(target);
        await SendAsync(chat => chat.Groups.SendGroupCommit(target, commit, welcome));
        await UntilAsync(m => m.Count<CommitResultRecord>(target) > before);
        return Last<CommitResultRecord>(target);
    }

    private static GroupTarget TargetOf(object record) => record switch
    {
        GroupTaskRecord r => r.Target,
        CommitResultRecord r => r.Target,
        CommitRelayRecord r => r.Target,
        WelcomeRelayRecord r => r.Target,
        GroupRelayRecord r => r.Target,
        _ => default,
    };

    public ValueTask DisposeAsync() => Raw.DisposeAsync();
}
