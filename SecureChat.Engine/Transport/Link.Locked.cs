using SecureChat.Engine.Chat;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Transport;

/// <summary>
/// The link's lock discipline: every session call runs under <c>_gate</c>, and what it produced (events, rekey jobs,
/// output over budget, the session's end) is collected before the lock is released; events are raised and output is
/// routed only after.
/// </summary>
internal sealed partial class Link
{
    /// <summary>Reads the session under the lock.</summary>
    private T Locked<T>(Func<SecureSession, T> read)
    {
        lock (_gate)
        {
            return read(_session);
        }
    }

    private void Run(Action<SecureSession> operation)
    {
        lock (_gate)
        {
            operation(_session);
            CollectLocked();
        }

        AfterLock(OutputRoute.OwnLink);
    }

    /// <summary>Outside the lock: raises the queued events and sends what was sealed (see <see cref="LinkOutput.Send"/>).</summary>
    private void AfterLock(OutputRoute route = OutputRoute.InTurn) => _output.Send(route);

    /// <summary>
    /// Under the lock: enforce the output budget for whatever was just queued (any record type), queue the session's
    /// events, hand out rekey jobs, and wake the writer if there is output.
    /// </summary>
    internal void CollectLocked()
    {
        _output.CheckBudgetLocked();
        _session.DrainEvents(_drain);
        foreach (SessionEvent e in _drain)
        {
            _events.Enqueue(e);
            if (e is not GroupRecordEvent)
            {
                _snapshot = null; // stage, keys or names may have changed
            }

            if (e is StageChangedEvent changed)
            {
                _timers.StepBegan();
                ReachedConfirmation |= changed.Stage == SessionStage.Confirming;
            }

            if (e is FailedEvent { Failure.Reason: FailureReason.PeerTooSlow })
            {
                _output.DropLocked(); // nothing more can reach a peer that does not read
            }

            if (e is EstablishedEvent)
            {
                _timers.Established(KeepaliveDueInLocked(_options.Time.GetTimestamp()));
            }
        }

        _drain.Clear();
        if (_session.TakeRekeyJob() is { } job)
        {
            _jobs.RunRekeyJob(job);
        }

        if (_session.IsEnded && !_endSeen && _connection is not null)
        {
            _endSeen = true;
            Reader.ReportPartsLocked(); // the pending Parts die with the session
            _connection.SessionEnded();
        }

        _output.WantFlushLocked(this);
    }
}
