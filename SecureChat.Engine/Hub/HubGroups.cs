using SecureChat.Engine.Chat;
using SecureChat.Engine.Hub.Groups;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Hub;

/// <summary>
/// A member's MLS records at the hub (PROTOCOL.md 4.8): KeyPackages, GroupCommit, GroupMessage, and the Requests
/// <c>key package</c> and <c>resync</c>, handed to the delivery service (<see cref="HubState.Groups"/>) under the hub's
/// lock with the group the record's target names for that member. A GroupMessage is checked under the lock and sealed
/// outside it, from the recipients as of the message, under <see cref="RelayOrder"/>. Not thread-safe by itself: every
/// method but <see cref="Relay"/> runs under <see cref="HubState.Gate"/>.
/// </summary>
internal sealed class HubGroups(HubState state)
{
    /// <summary>
    /// Keeps each GroupRelay ahead of the CommitRelay that ends its epoch on every link (PROTOCOL.md 4.8, "Application
    /// messages"): a GroupMessage is checked and sealed for all its recipients under the read side (many at once), a
    /// GroupCommit is handled under the write side. Without it a commit accepted between a text's check and its sealing
    /// reached some members first, and they, already in the next epoch, could not read the text. Taken before
    /// <see cref="HubState.Gate"/>, never under it.
    /// </summary>
    public ReaderWriterLockSlim RelayOrder { get; } = new(LockRecursionPolicy.NoRecursion);

    /// <summary>
    /// Requests <c>key package</c> waiting for the first KeyPackages of a person's link (by the person's identity): the
    /// requesters, each once. An entry goes when that record is handled or the person's last unpublished link ends.
    /// </summary>
    private readonly Dictionary<string, List<HubMember>> _awaitingKeyPackages = new(StringComparer.Ordinal);

    /// <summary>Reply.op of the answers to a KeyPackages record.</summary>
    public const byte KeyPackagesOp = (byte)FrameType.KeyPackages;

    /// <summary>Reply.op of the answers to a GroupMessage record.</summary>
    public const byte GroupMessageOp = (byte)FrameType.GroupMessage;

    /// <summary>RoomInfo <c>entered</c> flag bit 2: the receiver founds the room's group at epoch 0.</summary>
    public const byte FounderFlag = 0x04;

    /// <summary>RoomInfo <c>entered</c> flags of a room for a member, but <see cref="FounderFlag"/>: bit 0 invite-only, bit 1 its operator.</summary>
    public static byte RoomFlags(Room room, HubMember member) => (byte)((room.InviteOnly ? 1 : 0) | (room.IsOperator(member) ? 2 : 0));

    /// <summary>Keeps each key package that passes the checks; answers each that does not with Reply <c>bad key package</c>.</summary>
    public void KeyPackages(HubMember from, KeyPackagesRecord record)
    {
        from.KeyPackagesSent = true;
        for (int i = 0; i < record.KeyPackages.Count; i++)
        {
            bool lastResort = record.LastResort && i == record.KeyPackages.Count - 1;
            if (!state.Groups.TryOfferKeyPackage(from.Identity, from.PublicKey, record.KeyPackages[i], lastResort, out string failure, assign: false))
            {
                from.Output.SendReply(ReplyCode.BadKeyPackage, KeyPackagesOp, string.Empty, HubState.Nobody, string.Empty, HubText.Cut(failure));
            }
        }

        state.Groups.AssignWaiting(from.Identity);
        AnswerAwaiting(from.Identity);
    }

    /// <summary>
    /// A link of <paramref name="identity"/> ended or was replaced: the requests that waited for its KeyPackages are
    /// answered <c>no key package</c> unless another link of it has yet to send them.
    /// </summary>
    public void LinkEnded(string identity)
    {
        if (!Unpublished(identity))
        {
            AnswerAwaiting(identity);
        }
    }

    /// <summary>A live link of the identity has not sent its KeyPackages yet (it connected a moment ago).</summary>
    private bool Unpublished(string identity) => state.LinksOf(identity).Any(l => l.Present && !l.Away && !l.KeyPackagesSent);

    /// <summary>Answers each request that waited for <paramref name="identity"/>'s key packages whose requester is still on a link.</summary>
    private void AnswerAwaiting(string identity)
    {
        if (!_awaitingKeyPackages.Remove(identity, out List<HubMember>? requesters))
        {
            return;
        }

        foreach (HubMember requester in requesters.Where(r => r.Present && !r.Away))
        {
            HandOut(requester, identity);
        }
    }

    /// <summary>A GroupCommit: answered with CommitResult (refused when its target names no group of this member).</summary>
    public void Commit(HubMember from, GroupCommitRecord record)
    {
        if (KeyOf(from, record.Target) is { } key)
        {
            state.Groups.Commit(key, from.Identity, record.Commit, record.Welcome);
        }
        else
        {
            from.Output.SendCommitResult(new CommitResultRecord(record.Target, CommitStatus.Refused, new byte[DeliveryService.GroupIdSize], 0));
        }
    }

    /// <summary>
    /// Checks a GroupMessage: the members to relay it to (their links, as of now), or null after a Reply saying why
    /// not; <paramref name="violation"/> when its <c>mls</c> is not an application PrivateMessage (the session ends).
    /// </summary>
    public List<HubMember>? Message(HubMember from, GroupMessageRecord record, out bool violation)
    {
        violation = false;
        GroupKey? key = KeyOf(from, record.Target);
        DeliveryGroup? group = key is { } k ? state.Groups.Find(k) : null;
        bool muted = !record.Target.IsRoom || state.Find(record.Target.Room) is not { } room ? false : room.IsMuted(from);
        MessageVerdict verdict = MessageCheck.Check(group, from.Identity, record.Mls, muted);
        ReplyCode? refusal = verdict switch
        {
            MessageVerdict.NotMember => ReplyCode.NotMember,
            MessageVerdict.Muted => ReplyCode.Muted,
            MessageVerdict.StaleEpoch => ReplyCode.StaleEpoch,
            _ => null,
        };
        if (verdict == MessageVerdict.Violation)
        {
            violation = true;
            return null;
        }

        if (refusal is { } code)
        {
            (string roomField, byte[] digest) = record.Target.IsRoom ? (record.Target.Room, HubState.Nobody) : (string.Empty, record.Target.Digest!);
            from.Output.SendReply(code, GroupMessageOp, roomField, digest, string.Empty, string.Empty);
            return null;
        }

        return [.. MessageCheck.Recipients(group!, from.Identity).SelectMany(state.LinksOf)];
    }

    /// <summary>
    /// Outside the lock: seals a checked GroupMessage for each recipient; returns how many it was sealed for. Every
    /// recipient gets the same GroupRelay (the room, or the sender as the other person of a direct conversation), so its
    /// plaintext is written once, sealed by each link under its own keys, and wiped once all are sealed; the links'
    /// writers start once all are sealed (<see cref="WriteScheduler.HoldWakeUps"/>), not one wake-up per recipient.
    /// </summary>
    public static int Relay(HubMember from, string senderName, GroupMessageRecord record, List<HubMember> recipients)
    {
        if (recipients.Count == 0)
        {
            return 0;
        }

        GroupTarget target = record.Target.IsRoom ? record.Target : GroupTarget.ForPerson(from.Digest);
        using var relay = new GroupRelayPlaintext(new GroupRelayRecord(target, from.Digest, senderName, record.Mls));
        int sealedFor = 0;
        using (WriteScheduler.HoldWakeUps())
        {
            foreach (HubMember to in recipients)
            {
                if (to.Output.SendGroupRelay(relay))
                {
                    sealedFor++;
                }
            }
        }

        return sealedFor;
    }

    /// <summary>
    /// Request <c>key package</c>: a key package of the person, or Reply <c>no such name</c>, <c>not connected</c> or
    /// <c>no key package</c>; for a person holding none that has a link yet to send its KeyPackages, the answer waits for
    /// that record (or for the link's end).
    /// </summary>
    public void KeyPackageFor(HubMember from, RoomRequest request)
    {
        const byte op = (byte)RoomOp.KeyPackage;
        string? identity = request.Name.Length > 0 ? state.Names.Find(request.Name)?.Identity : DigestText(request.Text);
        if (identity is null)
        {
            HubState.Reply(from, request.Name.Length > 0 ? ReplyCode.NoSuchName : ReplyCode.NotConnected, op, string.Empty, name: request.Name);
            return;
        }

        byte[] digest = Convert.FromHexString(identity);
        if (!state.ByIdentity.ContainsKey(identity) && !state.LastNames.ContainsKey(identity))
        {
            HubState.Reply(from, ReplyCode.NotConnected, op, string.Empty, digest);
            return;
        }

        if (!state.Groups.KeyPackages.HasAny(identity) && Unpublished(identity))
        {
            // Someone who just connected sends its key packages right after Presence you: the answer waits for them.
            List<HubMember> requesters = _awaitingKeyPackages.TryGetValue(identity, out List<HubMember>? waiting) ? waiting : _awaitingKeyPackages[identity] = [];
            if (!requesters.Contains(from))
            {
                requesters.Add(from);
            }

            return;
        }

        HandOut(from, identity);
    }

    /// <summary>A key package of <paramref name="identity"/> to <paramref name="requester"/>, or Reply <c>no key package</c>.</summary>
    private void HandOut(HubMember requester, string identity)
    {
        byte[] digest = Convert.FromHexString(identity);
        if (state.Groups.TakeKeyPackageFor(requester.Identity, identity) is not { } keyPackage)
        {
            HubState.Reply(requester, ReplyCode.NoKeyPackage, (byte)RoomOp.KeyPackage, string.Empty, digest, state.NameOf(identity));
            return;
        }

        requester.Output.SendKeyPackageRelay(new KeyPackageRelayRecord(digest, state.NameOf(identity), keyPackage.Message));
    }

    /// <summary>Request <c>resync</c>: the requester is removed from the group and added again by the next task.</summary>
    public void Resync(HubMember from, RoomRequest request)
    {
        GroupTarget target = request.Room.Length > 0 ? GroupTarget.ForRoom(request.Room) : GroupTarget.ForPerson(Convert.FromHexString(DigestText(request.Text) ?? new string('0', 64)));
        if (KeyOf(from, target) is not { } key || !state.Groups.Resync(key, from.Identity))
        {
            HubState.Reply(from, ReplyCode.NotMember, (byte)RoomOp.Resync, request.Room);
        }
    }

    /// <summary>The group a target names for <paramref name="from"/>: a room it is in, or its conversation with that person; null otherwise.</summary>
    private GroupKey? KeyOf(HubMember from, GroupTarget target)
    {
        if (!target.IsRoom)
        {
            string other = Convert.ToHexString(target.Digest!);
            return other == from.Identity ? null : GroupKey.ForPair(from.Identity, other);
        }

        return state.Find(target.Room) is { } room && from.IsIn(room) ? GroupKey.ForRoom(room.Key) : null;
    }

    /// <summary>An identity digest written as 64 hexadecimal digits, as the hub keys identities; null when it is not one.</summary>
    private static string? DigestText(string text) =>
        text.Length == 64 && text.All(Uri.IsHexDigit) ? text.ToUpperInvariant() : null;
}
