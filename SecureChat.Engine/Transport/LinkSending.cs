using SecureChat.Engine.Chat;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Transport;

/// <summary>
/// What the owner of one <see cref="Link"/> sends through it: a client's group records (waiting for room in the send
/// buffer), the hub's group records and presence notices (never waiting: a peer past its output budget is dropped as
/// too slow), and other chat operations. Each seals under the link's lock (<paramref name="gate"/>) and sends outside it
/// by the route its caller needs (<see cref="OutputRoute"/>). Thread-safe.
/// </summary>
internal sealed class LinkSending(Link link, object gate, SecureSession session, ChatChannel chat, LinkOutput output)
{
    /// <summary>
    /// Client: seals a group record (KeyPackages, GroupCommit, GroupMessage) with the Parts it needs, waiting while more
    /// than the send buffer limit is unsent. False once the session ended.
    /// </summary>
    public async ValueTask<bool> SendGroupAsync(Action<GroupRecordSender> seal, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (gate)
            {
                if (session.IsEnded)
                {
                    return false;
                }

                if (output.CanSendLocked)
                {
                    output.FlushPresenceLocked();
                    seal(chat.Groups);
                    link.CollectLocked();
                    break;
                }

                wait = output.WaitForRoomLocked();
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        output.Send(OutputRoute.Message);
        return true;
    }

    /// <summary>Bytes sealed for the peer and not yet written to its socket; 0 once the session ended.</summary>
    public int Unsent
    {
        get
        {
            lock (gate)
            {
                return session.IsEnded ? 0 : output.UnsentLocked;
            }
        }
    }

    /// <summary>Completes once the unsent bytes have fallen to half the send buffer limit, or the session ended.</summary>
    public Task WaitForRoom()
    {
        lock (gate)
        {
            return session.IsEnded ? Task.CompletedTask : output.WaitForRoomLocked();
        }
    }

    /// <summary>
    /// Hub: seals a group record (GroupTask, CommitResult, a relay) with the Parts it needs, without waiting: a peer past
    /// its output budget (or its fair share of a spent server-wide budget) is failed as too slow rather than allowed to
    /// hold everyone else up. False when it was not sealed. The caller holds the hub's relay order
    /// (<see cref="Hub.HubGroups.RelayOrder"/>): this link's events are raised on the thread pool, never on the caller's
    /// thread, where a record of this link (a GroupMessage, a GroupCommit) would wait for the order its caller holds.
    /// </summary>
    public bool TrySendGroup(Action<GroupRecordSender> seal) =>
        TrySendGroup(static (groups, seal) => seal(groups), seal);

    /// <summary>The same with the sealing's state passed in (a relay sealed for many links, without a closure for each).</summary>
    public bool TrySendGroup<TState>(Action<GroupRecordSender, TState> seal, TState state)
    {
        bool sent = false;
        lock (gate)
        {
            if (!session.IsSecure)
            {
                return false;
            }

            if (output.MustDropLocked)
            {
                session.Fail(FailureReason.PeerTooSlow);
            }
            else
            {
                output.FlushPresenceLocked();
                seal(chat.Groups, state);
                sent = true;
            }

            link.CollectLocked();
        }

        output.Send(OutputRoute.UnderHubLock);
        return sent;
    }

    /// <summary>
    /// Hub: tells this peer that the notice's subject joined, left or was renamed, without waiting. The notice
    /// is held (and coalesced, see <see cref="PresenceBacklog"/>) until the writer takes output; it counts in the
    /// output budget like a sealed record. False when the session is not secure or the peer was dropped.
    /// </summary>
    public bool TryAnnounce(PresenceBacklog.Notice notice)
    {
        bool held = false;
        lock (gate)
        {
            if (!session.IsSecure)
            {
                return false;
            }

            if (output.MustDropLocked)
            {
                session.Fail(FailureReason.PeerTooSlow);
            }
            else
            {
                output.HoldPresenceLocked(notice);
                held = true;
            }

            link.CollectLocked();
        }

        output.Send(OutputRoute.UnderHubLock); // called under the hub's lock: a drop's handlers (a leave, announced in turn) must not run inside it
        return held;
    }

    /// <summary>Runs one chat operation (nick, presence) under the lock when the session is secure; false when it is not.</summary>
    /// <param name="dispatchLater">The caller holds the hub's lock: the link's events are raised on the thread pool, not inside it.</param>
    public bool RunIfSecure(Action<ChatChannel> operation, bool dispatchLater = false)
    {
        lock (gate)
        {
            if (!session.IsSecure)
            {
                return false;
            }

            output.FlushPresenceLocked();
            operation(chat);
            link.CollectLocked();
        }

        output.Send(dispatchLater ? OutputRoute.UnderHubLock : OutputRoute.InTurn);
        return true;
    }
}
