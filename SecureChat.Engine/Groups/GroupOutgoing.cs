using System.Text;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Groups;

/// <summary>
/// The texts a member sends to its groups (PROTOCOL.md 4.9, "Holding its sending", "A stale message"): each is encrypted
/// in the group's current epoch and kept in flight until an Ack covers it. The hub answers <c>stale epoch</c> to a text
/// of an epoch it has left, after the CommitRelay or CommitResult that ended that epoch and before the Ack covering the
/// text, so each such Reply is matched, at that Ack, to the text it refused: working back from the last Reply, the last
/// covered text before the previous match whose epoch is below the epoch this member was at when the Reply came. Those
/// texts are encrypted again and resent, in order, after those refused earlier and ahead of any text not sent yet: while
/// texts of an epoch this member has left are in flight, nothing more is sent, so no text overtakes one the hub may
/// refuse. Not thread-safe (the book's caller serialises).
/// </summary>
internal sealed class GroupOutgoing(GroupBook book)
{
    /// <summary>Sequence numbers from here up are tickets of texts the outbox has not sealed yet (see <see cref="IGroupOutbox.SendMessage"/>).</summary>
    private const ulong TicketBase = 1UL << 63;

    /// <summary>The highest count an Ack on the current link gave.</summary>
    private ulong _acked;

    /// <summary>The highest sequence number a text was reported sealed as on the current link.</summary>
    private ulong _lastSealed;

    /// <summary>True once a text could not be carried (the link ended): nothing more is sent until the next link is secure.</summary>
    private bool _linkEnded;

    /// <summary>Tickets below this were given out for an earlier link: while one is in flight, its group sends nothing new.</summary>
    private ulong _ticketFloor;

    /// <summary>
    /// A new link: what was sealed on the last one is no longer matched against Acks or Replies (they count the new
    /// link's records), while a text not sealed yet is still reported, sealed or not (<see cref="Unsent"/>). A room's
    /// stored state waits for the RoomInfo <c>entered</c> of this link to say the hub still has that group.
    /// </summary>
    public void LinkSecured(IEnumerable<MemberGroup> groups)
    {
        _acked = _lastSealed = 0;
        _linkEnded = false;
        foreach (MemberGroup group in groups)
        {
            group.InFlight.RemoveAll(m => m.Sequence < TicketBase);
            _ticketFloor = Math.Max(_ticketFloor, group.InFlight.Select(m => m.Sequence + 1).DefaultIfEmpty(0UL).Max());
            group.StaleReplies.Clear();
            group.RepliesBeforeAck = 0;
            group.AwaitingRoomInfo = group.Target.IsRoom && group.State is not null;
        }

        foreach (MemberGroup group in groups)
        {
            Flush(group);
        }
    }

    /// <summary>
    /// The text sent with <paramref name="ticket"/> was never sealed: its link ended first. It goes back ahead of the
    /// waiting texts; when that link is still the current one, nothing more is sent until the next link is secure.
    /// </summary>
    public void Unsent(IEnumerable<MemberGroup> groups, ulong ticket, bool linkEnded)
    {
        _linkEnded |= linkEnded;
        foreach (MemberGroup group in groups)
        {
            int i = group.InFlight.FindIndex(m => m.Sequence == ticket);
            if (i >= 0)
            {
                var text = group.InFlight[i];
                group.InFlight.RemoveAt(i);
                group.PutBack([text]);
                Flush(group);
                return;
            }
        }
    }

    /// <summary>Reply <c>stale epoch</c>: one text of the group, in flight, was refused; the epoch this member is at now bounds which.</summary>
    public void StaleEpoch(MemberGroup group)
    {
        if (group.State is { } state)
        {
            group.StaleReplies.Add(state.Epoch);
        }
    }

    /// <summary>An Ack: the hub handled every record below <paramref name="received"/>, and answered each stale one before it.</summary>
    public void Acknowledged(IEnumerable<MemberGroup> groups, ulong received)
    {
        _acked = Math.Max(_acked, received);
        foreach (MemberGroup group in groups)
        {
            group.RepliesBeforeAck = group.StaleReplies.Count;
            Resolve(group);
        }
    }

    /// <summary>The text sent with <paramref name="ticket"/> was sealed as record <paramref name="sequence"/>.</summary>
    public void Sealed(IEnumerable<MemberGroup> groups, ulong ticket, ulong sequence)
    {
        foreach (MemberGroup group in groups)
        {
            int i = group.InFlight.FindIndex(m => m.Sequence == ticket);
            if (i >= 0)
            {
                group.InFlight[i] = group.InFlight[i] with { Sequence = sequence };
                _lastSealed = Math.Max(_lastSealed, sequence);
                Resolve(group); // an Ack that came before this report may already cover it
                return;
            }
        }
    }

    /// <summary>Sends the waiting texts while the group is in Member and no text of an epoch it left is in flight, then renews the leaf when it is due.</summary>
    public void Flush(MemberGroup group, Action<MemberGroup> selfUpdate)
    {
        while (!_linkEnded && group.Status == MemberGroupStatus.Member && group.Outgoing.Count > 0)
        {
            GroupState state = group.State!;
            if (group.InFlight.Any(m => m.Epoch < state.Epoch))
            {
                return; // the Ack covering them says which the hub refused: those go first
            }

            if (group.InFlight.Any(m => m.Sequence >= TicketBase && m.Sequence < _ticketFloor))
            {
                return; // a text made for the last link: sent again first once its link reports it unsent
            }

            string text = group.Outgoing[0];
            group.Outgoing.RemoveAt(0);
            long place;
            if (group.Resends.Count > 0)
            {
                place = group.Resends[0];
                group.Resends.RemoveAt(0);
            }
            else
            {
                place = group.NextPlace++;
            }

            byte[] mls = ApplicationMessages.Protect(state, Encoding.UTF8.GetBytes(text), []).Encode();
            ulong sequence = book.Outbox.SendMessage(new GroupMessageRecord(group.Target, mls));
            group.InFlight.Add((text, state.Epoch, sequence, place));
            if (++group.SentSinceUpdate >= GroupBook.UpdateAfterMessages)
            {
                selfUpdate(group);
            }
        }
    }

    private void Flush(MemberGroup group) => book.Flush(group);

    /// <summary>
    /// Takes the texts the Acks so far cover out of flight, matching the Replies that came before the last Ack to them,
    /// and queues the refused ones first. Waits while a covered text may still hold its ticket (reported later).
    /// </summary>
    private void Resolve(MemberGroup group)
    {
        if (_acked > _lastSealed + 1 && group.InFlight.Any(m => m.Sequence >= TicketBase))
        {
            return; // a text not reported sealed yet may be among those covered: resolved once it is reported
        }

        var covered = group.InFlight.Where(m => m.Sequence < _acked).ToList();
        int replies = Math.Min(group.RepliesBeforeAck, group.StaleReplies.Count);
        if (covered.Count == 0 && replies == 0)
        {
            Flush(group);
            return;
        }

        group.InFlight.RemoveAll(m => m.Sequence < _acked);
        var refused = new List<(string Text, ulong Epoch, ulong Sequence, long Place)>();
        int before = covered.Count;
        for (int k = replies - 1; k >= 0; k--)
        {
            ulong epochAtReply = group.StaleReplies[k];
            int match = before == 0 ? -1 : covered.FindLastIndex(before - 1, before, m => m.Epoch < epochAtReply);
            if (match < 0)
            {
                break; // a Reply for a text of an earlier link: nothing of this one to resend
            }

            refused.Insert(0, covered[match]);
            before = match;
        }

        group.StaleReplies.RemoveRange(0, replies);
        group.RepliesBeforeAck = 0;
        group.PutBack(refused); // in their places among those refused before, ahead of every text not sent yet
        Flush(group);
    }
}
