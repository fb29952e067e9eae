using System.Security.Cryptography;
using System.Text;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Codec;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Groups;

/// <summary>
/// A member's groups (PROTOCOL.md 4.8, 4.9 and section 7): one per room it is in and per direct conversation, each
/// a <see cref="MemberGroup"/> moving between NoGroup, AwaitingWelcome, Member, Holding and Committing. The hub's
/// records come in through the methods named after them; what the member sends goes out through the
/// <see cref="IGroupOutbox"/> in order; what the user must see is raised as <see cref="Notice"/> and
/// <see cref="TextReceived"/>. The hub is trusted with nothing it could abuse: every relayed MLS message is verified
/// here and dropped with a notice when it fails. Sans-I/O and not thread-safe: the caller serialises every call.
/// </summary>
internal sealed class GroupBook : IDisposable
{
    /// <summary>Texts sent in a group after which this member renews its leaf (an empty commit).</summary>
    public const int UpdateAfterMessages = 100;

    /// <summary>Time in a group after which this member renews its leaf.</summary>
    public static readonly TimeSpan UpdateAfter = TimeSpan.FromHours(24);

    /// <summary>The most leaves a group may hold (<c>MlsMembersMax</c>).</summary>
    public const uint MembersMax = 4096;

    private readonly CipherSuite _suite = CipherSuite.Suite1;
    private readonly byte[] _identity;
    private readonly byte[] _seed;
    private readonly TimeProvider _time;
    private readonly IGroupOutbox _outbox;
    private readonly Dictionary<string, MemberGroup> _groups = [];
    private readonly Dictionary<string, HashSet<string>> _announced = [];
    private readonly GroupCommits _commits;
    private readonly DirectConversations _direct;
    private readonly GroupTexts _texts;
    private readonly GroupOutgoing _outgoing;
    private readonly GroupPersistence? _persistence;

    /// <summary>
    /// A book for the identity; with <paramref name="files"/>, its groups and key packages are kept there: call
    /// <see cref="Restore"/> once, and <see cref="SaveChanges"/> after each batch of calls.
    /// </summary>
    public GroupBook(byte[] identityPublicKey, byte[] signatureSeed, TimeProvider time, IGroupOutbox outbox, GroupFiles? files = null)
    {
        _identity = identityPublicKey.ToArray();
        _seed = signatureSeed.ToArray();
        _time = time;
        _outbox = outbox;
        OwnDigest = IdentityFingerprint.IdentityDigest(_identity);
        KeyPackages = new OwnKeyPackages(_suite, _identity, _seed, time);
        _commits = new GroupCommits(this);
        _direct = new DirectConversations(this);
        _texts = new GroupTexts(this);
        _outgoing = new GroupOutgoing(this);
        _persistence = files is null ? null : new GroupPersistence(files);
    }

    public event Action<GroupNotice>? Notice;

    public event Action<GroupTextReceived>? TextReceived;

    internal CipherSuite Suite => _suite;

    public byte[] OwnDigest { get; }

    public OwnKeyPackages KeyPackages { get; }

    internal IGroupOutbox Outbox => _outbox;

    internal ulong Now => (ulong)_time.GetUtcNow().ToUnixTimeSeconds();

    internal TimeProvider Time => _time;

    internal IEnumerable<MemberGroup> Groups => _groups.Values;

    /// <summary>The state of <paramref name="target"/>'s group (NoGroup when this member holds none).</summary>
    public MemberGroupStatus StatusOf(GroupTarget target) => Find(target)?.Status ?? MemberGroupStatus.NoGroup;

    /// <summary>The MLS state of <paramref name="target"/>'s group, or null.</summary>
    internal GroupState? StateOf(GroupTarget target) => Find(target)?.State;

    /// <summary>Reads the groups and key packages kept in the book's files; one that cannot be read is told as a <see cref="GroupNoticeKind.Dropped"/> notice.</summary>
    public void Restore() =>
        _persistence?.Restore(_groups, KeyPackages, why => Raise(new GroupNotice(default, GroupNoticeKind.Dropped, $"a stored group could not be restored: {why}")));

    /// <summary>Writes every group the calls since the last save changed (their ratchets move with each message read or sent).</summary>
    public void SaveChanges() => _persistence?.Save(_groups, KeyPackages);

    /// <summary>
    /// The link became secure (Presence <c>you</c>): 8 key packages and a last resort one. Texts sealed on an earlier
    /// link are no longer followed (this link's Acks count its own records); a room's texts wait for its RoomInfo
    /// <c>entered</c> on this link, which says whether the hub still has the group this member holds.
    /// </summary>
    public void LinkSecured()
    {
        _outbox.SendKeyPackages(KeyPackages.MakeBatch(OwnKeyPackages.BatchOneTime, lastResort: true));
        _persistence?.KeyPackagesChanged();
        _commits.LinkSecured(_groups.Values);
        _outgoing.LinkSecured(_groups.Values);
    }

    /// <summary>Reply <c>few key packages</c>: the hub holds <paramref name="held"/>; a new batch of one-time ones.</summary>
    public void FewKeyPackages(int held)
    {
        _outbox.SendKeyPackages(KeyPackages.MakeBatch(Math.Max(1, OwnKeyPackages.BatchOneTime - Math.Max(0, held)), lastResort: false));
        _persistence?.KeyPackagesChanged();
    }

    /// <summary>A Welcome used one of the key packages.</summary>
    internal void KeyPackagesChanged() => _persistence?.KeyPackagesChanged();

    /// <summary>RoomInfo <c>entered</c>: with <paramref name="founder"/> this member creates the group at epoch 0.</summary>
    public void RoomEntered(string room, bool founder, byte[] groupId)
    {
        MemberGroup group = Get(GroupTarget.ForRoom(room));
        _announced[room] = [];
        bool sameGroup = group.State is { } state && state.GroupId.AsSpan().SequenceEqual(groupId);
        group.AnnouncedGroupId = groupId.ToArray();
        if (founder)
        {
            if (group.State is not null)
            {
                Raise(new GroupNotice(group.Target, GroupNoticeKind.Left, "the hub started the room's group anew"));
            }

            group.DropState();
            group.State = CreateAlone(groupId);
            group.HadState = true;
            group.LastUpdate = _time.GetUtcNow();
            Raise(new GroupNotice(group.Target, GroupNoticeKind.Joined, "created the room's group"));
        }
        else if (!sameGroup)
        {
            group.DropState();
            group.AwaitingWelcome = true;
        }

        group.AwaitingRoomInfo = false;
        Flush(group);
    }

    /// <summary>Presence <c>member</c> or <c>joined</c>: someone the hub says is in <paramref name="room"/>.</summary>
    public void MemberAnnounced(string room, byte[] digest)
    {
        if (_announced.TryGetValue(room, out HashSet<string>? members))
        {
            members.Add(Convert.ToHexStringLower(digest));
        }
    }

    /// <summary>Presence <c>parted</c> or RoomEvent <c>kicked</c>/<c>banned</c> of someone else: hold while they are in the tree.</summary>
    public void PersonLeftRoom(string room, byte[] digest)
    {
        if (_announced.TryGetValue(room, out HashSet<string>? members))
        {
            members.Remove(Convert.ToHexStringLower(digest));
        }

        if (Find(GroupTarget.ForRoom(room)) is { } group)
        {
            Hold(group, digest);
        }
    }

    /// <summary>Presence <c>left</c>: someone was removed from every room at once.</summary>
    public void PersonLeft(byte[] digest)
    {
        foreach ((string room, MemberGroup group) in _groups.Where(pair => pair.Value.Target.IsRoom).Select(pair => (pair.Value.Target.Room, pair.Value)).ToList())
        {
            PersonLeftRoom(room, digest);
        }
    }

    /// <summary>This member parted, was kicked or banned from <paramref name="room"/>: its state there is erased.</summary>
    public void OwnLeftRoom(string room)
    {
        _announced.Remove(room);
        string key = KeyOf(GroupTarget.ForRoom(room));
        if (_groups.Remove(key, out MemberGroup? group))
        {
            _persistence?.Removed(key);
            int unsent = group.Outgoing.Count;
            group.DropState();
            if (unsent > 0)
            {
                Raise(new GroupNotice(group.Target, GroupNoticeKind.Left, $"left the room; {unsent} message(s) not sent"));
            }
        }
    }

    /// <summary>
    /// Queues a text for <paramref name="target"/>'s group and sends it at once when the group is usable; a direct
    /// conversation without a group is started first (Request <c>key package</c>). With <paramref name="entering"/> (a
    /// room this member is entering, whose RoomInfo <c>entered</c> has not come yet) the text waits for the group.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// the text is longer than <see cref="Protocol.WireFormat.ChatTextMax"/> bytes of UTF-8, or is not valid UTF-16 (a
    /// lone surrogate cannot be encoded: it is refused rather than sent as a replacement character).
    /// </exception>
    /// <exception cref="InvalidOperationException">a room this member is neither in nor entering.</exception>
    public MemberGroupStatus SendText(GroupTarget target, string text, bool entering = false)
    {
        if (!Protocol.RecordPayload.TryGetUtf8Length(text, out int length) || length > Protocol.WireFormat.ChatTextMax)
        {
            throw new ArgumentException($"a message holds at most {Protocol.WireFormat.ChatTextMax} bytes of valid text", nameof(text));
        }

        MemberGroup group = target.IsRoom && !entering
            ? Find(target) ?? throw new InvalidOperationException($"not in {target.Room}")
            : Get(target);
        group.Outgoing.Add(text);
        if (!target.IsRoom && group.State is null && !group.AwaitingWelcome && !group.KeyPackageRequested)
        {
            group.KeyPackageRequested = true;
            _outbox.RequestKeyPackage(target.Digest!);
        }

        Flush(group);
        return group.Status;
    }

    /// <summary>KeyPackageRelay: creates the direct conversation's group and adds the person (PROTOCOL.md 4.8).</summary>
    public void KeyPackageRelayed(KeyPackageRelayRecord record) => _direct.Relayed(record);

    /// <summary>Reply <c>no such name</c>, <c>not connected</c> or <c>no key package</c> to a <c>key package</c> Request.</summary>
    public void KeyPackageUnavailable(byte[] digest, string reason) => _direct.Unavailable(digest, reason);

    /// <summary>Reply <c>stale epoch</c> to a GroupMessage: matched to its text when the Ack covering it arrives (see <see cref="GroupOutgoing"/>).</summary>
    public void StaleEpoch(GroupTarget target)
    {
        if (Find(target) is { } group)
        {
            _outgoing.StaleEpoch(group);
        }
    }

    /// <summary>
    /// An Ack: the hub handled every record below <paramref name="received"/>. Of the texts it covers, those the hub
    /// answered <c>stale epoch</c> are encrypted again in the group's current epoch and resent first (see <see cref="GroupOutgoing"/>).
    /// </summary>
    public void Acknowledged(ulong received) => _outgoing.Acknowledged(_groups.Values, received);

    /// <summary>
    /// The text the outbox answered <paramref name="ticket"/> for was sealed as record <paramref name="sequence"/>: an
    /// outbox that seals later returns a ticket of at least 2^63 (never covered by an Ack) and reports it here.
    /// </summary>
    public void MessageSealed(ulong ticket, ulong sequence) => _outgoing.Sealed(_groups.Values, ticket, sequence);

    /// <summary>
    /// The text the outbox answered <paramref name="ticket"/> for was never sealed: it is sent again, in order, on the
    /// current link, or with <paramref name="linkEnded"/> (the link it was made for is still the current one and ended)
    /// once the next link is secure, nothing being sent before then.
    /// </summary>
    public void MessageUnsent(ulong ticket, bool linkEnded) => _outgoing.Unsent(_groups.Values, ticket, linkEnded);

    /// <summary>Once a tick: renews this member's leaf in groups it has been in for <see cref="UpdateAfter"/>.</summary>
    public void Tick()
    {
        foreach (MemberGroup group in _groups.Values)
        {
            if (group.Status == MemberGroupStatus.Member && _time.GetUtcNow() - group.LastUpdate >= UpdateAfter)
            {
                _persistence?.Touched(KeyOf(group.Target));
                _commits.SelfUpdate(group);
            }
        }
    }

    public void GroupTask(GroupTaskRecord record) => _commits.Task(record);

    public void CommitResult(CommitResultRecord record) => _commits.Result(record);

    public void CommitRelay(CommitRelayRecord record) => _commits.Relay(record);

    public void WelcomeRelay(WelcomeRelayRecord record) => _commits.Welcome(record);

    /// <summary>GroupRelay: decrypted, the sender leaf checked against the digest the hub named, the text checked.</summary>
    public void GroupRelay(GroupRelayRecord record) => _texts.Relay(record);

    public void Dispose()
    {
        foreach (MemberGroup group in _groups.Values)
        {
            group.DropState();
        }

        _groups.Clear();
        KeyPackages.Dispose();
        CryptographicOperations.ZeroMemory(_seed);
    }

    internal MemberGroup? Find(GroupTarget target)
    {
        string key = KeyOf(target);
        if (_groups.TryGetValue(key, out MemberGroup? group))
        {
            _persistence?.Touched(key);
        }

        return group;
    }

    internal MemberGroup Get(GroupTarget target)
    {
        string key = KeyOf(target);
        if (!_groups.TryGetValue(key, out MemberGroup? group))
        {
            group = new MemberGroup(target);
            _groups[key] = group;
        }

        _persistence?.Touched(key);
        return group;
    }

    internal IReadOnlySet<string>? Announced(string room) => _announced.GetValueOrDefault(room);

    internal void Raise(GroupNotice notice) => Notice?.Invoke(notice);

    internal void Deliver(GroupTextReceived text) => TextReceived?.Invoke(text);

    internal void Dropped(GroupTarget target, string why) => Raise(new GroupNotice(target, GroupNoticeKind.Dropped, why));

    /// <summary>Holds the group's texts while <paramref name="digest"/> is still in its tree.</summary>
    internal void Hold(MemberGroup group, byte[] digest)
    {
        if (group.State is { } state && TreeIdentities.LeafOf(state.Tree, digest) is not null && group.Held.Add(Convert.ToHexStringLower(digest)) && group.Held.Count == 1)
        {
            Raise(new GroupNotice(group.Target, GroupNoticeKind.Holding, "messages held until the hub removes someone who left", Subject: digest.ToArray()));
        }
    }

    /// <summary>After the tree changed: releases the hold when everyone held for is out, then sends what waits.</summary>
    internal void Release(MemberGroup group)
    {
        if (group.State is { } state && group.Held.Count > 0)
        {
            group.Held.RemoveWhere(hex => TreeIdentities.LeafOf(state.Tree, Convert.FromHexString(hex)) is null);
            if (group.Held.Count == 0)
            {
                Raise(new GroupNotice(group.Target, GroupNoticeKind.Released, "held messages are sent again"));
            }
        }

        Flush(group);
    }

    /// <summary>Sends the waiting texts when the group is in Member, then renews the leaf when it is due (see <see cref="GroupOutgoing"/>).</summary>
    internal void Flush(MemberGroup group) => _outgoing.Flush(group, _commits.SelfUpdate);

    internal GroupState CreateAlone(byte[] groupId)
    {
        (KeyPackage own, KeyPackageSecrets secrets) = KeyPackageFactory.Create(_suite, _identity, _seed, Now);
        try
        {
            return GroupCreation.Create(_suite, groupId, own, secrets, []);
        }
        finally
        {
            secrets.Wipe();
        }
    }

    internal static bool TryDecode(byte[] bytes, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out MlsMessage? message)
    {
        try
        {
            message = MlsMessage.Decode(bytes);
            return true;
        }
        catch (MlsFormatException)
        {
            message = null;
            return false;
        }
    }

    internal static string KeyOf(GroupTarget target) => target.IsRoom ? target.Room : "@" + Convert.ToHexStringLower(target.Digest!);
}
