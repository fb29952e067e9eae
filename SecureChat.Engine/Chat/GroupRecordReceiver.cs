using System.Globalization;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Chat;

/// <summary>
/// The receive dispatch of the v4 records (PROTOCOL.md 4.1, 4.1.1) for one link: Parts are kept (a
/// <see cref="PartAssembler"/> for this link's incoming direction) until the next record with an <c>mls</c> field,
/// whose payload they then begin; every record is parsed whole here, and handed, as a <see cref="GroupRecordEvent"/>
/// in the session's event order, to the owner's <see cref="IHubGroupRecords"/> (a hub: KeyPackages, GroupCommit,
/// GroupMessage) or <see cref="IMemberGroupRecords"/> (a client: GroupTask, CommitResult, CommitRelay, WelcomeRelay,
/// GroupRelay, KeyPackageRelay). Which side may receive which type is the frame table's rule, checked by the session
/// before this runs. A record that does not parse, an empty Part, Parts past <see cref="WireFormat.MlsPayloadMax"/>,
/// an assembled payload past it, a room target a hub sent that is not a room name, and a record whose side has no
/// owner are each a protocol violation (Close 8). Not thread-safe: used under the same lock as its session.
/// </summary>
internal sealed class GroupRecordReceiver(SecureSession session, Func<string, bool> isValidRoom)
{
    private readonly PartAssembler _parts = new();

    /// <summary>Hub: where this link's KeyPackages, GroupCommits and GroupMessages go (set by the link's owner).</summary>
    public IHubGroupRecords? Hub { get; set; }

    /// <summary>Client: where the hub's group records go (set by the link's owner).</summary>
    public IMemberGroupRecords? Member { get; set; }

    /// <summary>Bytes the Parts received since the last record with an <c>mls</c> field hold.</summary>
    public int PendingPartBytes => _parts.Pending;

    /// <summary>True for the types this receiver consumes: the v4 group records and Part.</summary>
    public static bool Handles(FrameType type) => type == FrameType.Part || type == FrameType.CommitResult || FrameTable.Of(type).CarriesMls;

    /// <summary>Forgets pending Parts (the session ended: a Close or a lost link discards them).</summary>
    public void Discard() => _parts.Clear();

    /// <summary>Consumes one record of a type <see cref="Handles"/> accepts; the violation's detail when it is one, else null.</summary>
    public string? TryConsume(FrameType type, ReadOnlySpan<byte> plaintext)
    {
        if (type == FrameType.Part)
        {
            // The frame table has refused an empty Part and one over a record: what is left is a payload past the limit.
            return _parts.TryAdd(plaintext) ? null : string.Create(
                CultureInfo.InvariantCulture,
                $"Parts of {_parts.Pending + (long)plaintext.Length:N0} bytes, over the {WireFormat.MlsPayloadMax:N0}-byte limit of an MLS payload");
        }

        if (session.Role == SessionRole.Server ? Hub is null : Member is null)
        {
            return $"a {type} record, which this side does not take";
        }

        byte[] parts = type == FrameType.CommitResult ? [] : _parts.Take();
        return type switch
        {
            FrameType.KeyPackages => KeyPackagesRecord.TryParse(plaintext, parts, out KeyPackagesRecord r)
                ? ToHub(type, Size(r.KeyPackages), h => h.KeyPackagesReceived(r)) : Malformed(type, parts, plaintext),
            FrameType.GroupCommit => GroupCommitRecord.TryParse(plaintext, parts, out GroupCommitRecord r)
                ? ToHub(type, r.Commit.Length + r.Welcome.Length, h => h.GroupCommitReceived(r)) : Malformed(type, parts, plaintext),
            FrameType.GroupMessage => GroupMessageRecord.TryParse(plaintext, parts, out GroupMessageRecord r)
                ? ToHub(type, r.Mls.Length, h => h.GroupMessageReceived(r)) : Malformed(type, parts, plaintext),
            FrameType.GroupTask => GroupTaskRecord.TryParse(plaintext, parts, out GroupTaskRecord r)
                ? ToMember(type, r.Target, r.Joiners.Sum(j => j.KeyPackage.Length) + (r.Removals.Count * WireFormat.IdentityDigestSize), m => m.GroupTaskReceived(r))
                : Malformed(type, parts, plaintext),
            FrameType.CommitResult => CommitResultRecord.TryParse(plaintext, out CommitResultRecord r)
                ? ToMember(type, r.Target, 0, m => m.CommitResultReceived(r)) : Malformed(type, parts, plaintext),
            FrameType.CommitRelay => CommitRelayRecord.TryParse(plaintext, parts, out CommitRelayRecord r)
                ? ToMember(type, r.Target, r.Mls.Length, m => m.CommitRelayReceived(r)) : Malformed(type, parts, plaintext),
            FrameType.WelcomeRelay => WelcomeRelayRecord.TryParse(plaintext, parts, out WelcomeRelayRecord r)
                ? ToMember(type, r.Target, r.Mls.Length, m => m.WelcomeRelayReceived(r)) : Malformed(type, parts, plaintext),
            FrameType.GroupRelay => GroupRelayRecord.TryParse(plaintext, parts, out GroupRelayRecord r)
                ? ToMember(type, r.Target, r.Mls.Length, m => m.GroupRelayReceived(r)) : Malformed(type, parts, plaintext),
            FrameType.KeyPackageRelay => KeyPackageRelayRecord.TryParse(plaintext, parts, out KeyPackageRelayRecord r)
                ? ToMember(type, null, r.Mls.Length, m => m.KeyPackageRelayReceived(r)) : Malformed(type, parts, plaintext),
            _ => throw new InvalidOperationException($"{type} is not a group record"),
        };
    }

    private static int Size(IReadOnlyList<byte[]> entries) => entries.Sum(e => e.Length);

    private string? ToHub(FrameType type, int size, Action<IHubGroupRecords> deliver)
    {
        IHubGroupRecords hub = Hub!;
        session.Raise(new GroupRecordEvent(type, size, () => deliver(hub)));
        return null;
    }

    private string? ToMember(FrameType type, GroupTarget? target, int size, Action<IMemberGroupRecords> deliver)
    {
        // A hub sends only valid room names (PROTOCOL.md 4.1): a target that is not one fails the session.
        if (target is { IsRoom: true } t && !isValidRoom(t.Room))
        {
            return $"a {type} record for \"{SafeText.Name(t.Room)}\", which is not a room name";
        }

        IMemberGroupRecords member = Member!;
        session.Raise(new GroupRecordEvent(type, size, () => deliver(member)));
        return null;
    }

    /// <summary>Why a record did not parse: malformed (empty: the caller names the type), or its payload may pass the limit.</summary>
    private static string Malformed(FrameType type, byte[] parts, ReadOnlySpan<byte> plaintext) =>
        (long)parts.Length + plaintext.Length > WireFormat.MlsPayloadMax
            ? string.Create(CultureInfo.InvariantCulture, $"a malformed {type} record, or one whose payload passes the {WireFormat.MlsPayloadMax:N0}-byte limit")
            : string.Empty;
}
