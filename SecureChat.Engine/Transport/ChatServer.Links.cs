using System.Net;
using System.Net.Sockets;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Diagnostics;
using SecureChat.Engine.Session;
using SecureChat.Engine.Session.Trust;

namespace SecureChat.Engine.Transport;

/// <summary>
/// The hub's links from accept to end: admission of a new connection, a secure link joining the hub under its name,
/// its messages and requests handed to the hub, and its end counted (why the server dropped it, or that it left).
/// </summary>
public sealed partial class ChatServer
{
    private void Accept(Socket socket)
    {
        int id = Interlocked.Increment(ref _nextId);
        string address = (socket.RemoteEndPoint as IPEndPoint)?.Address.ToString() ?? "?";
        SessionSettings settings = SessionSettingsFactory.Create(_options, SessionRole.Server, Name, CheckClient) with
        {
            HelloGate = socket.RemoteEndPoint is IPEndPoint remote ? _puzzles.For(remote.Address) : null,
            KeyPairs = _keyPairs,
        };
        var link = new Link(id, socket, settings, new LinkContext(_options) { DerivationGate = _derivationGate, ServerBudget = _outputBudget, RekeyJobRun = () => Interlocked.Increment(ref _rekeyJobs), PresenceFlusher = _presenceFlusher, AckFlusher = _ackFlusher, WriteScheduler = _writes, OperatorQueue = _members.Events, PartBudget = _partBudget }, Translate, DefaultPeerName);
        link.HubRecords = GroupRecordsFor?.Invoke(link);
        AdmissionVerdict verdict = _admission.TryAdmit(link, _members.Count);
        _metrics.HandshakeStarted();
        _members.Add(link);
        OnStageChanged(link.Snapshot());
        link.Start(verdict switch
        {
            AdmissionVerdict.Admitted => null,
            AdmissionVerdict.RateLimited => FailureReason.RateLimited,
            _ => FailureReason.ServerBusy,
        });

        IdentityVerdict CheckClient(PeerIdentity peer) =>
            _options.CheckPeerIdentity?.Invoke(address, peer) ?? IdentityVerdict.Accept(TrustState.New);

        _ = link.Completion.ContinueWith(
            _ =>
            {
                _members.Remove(link);
                _admission.Left(link);
                if (_joined.TryRemove(link.Id, out byte _))
                {
                    _metrics.SessionEnded(dropReason: null); // ended with no Closed or Failed event
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>A client is secure: it joins under its name (told its final name and the members) and is announced.</summary>
    private protected override Action? OnLinkEstablished(Link link)
    {
        _admission.Completed(link);
        if (link.Prefix is { } prefix)
        {
            _guesses?.Succeeded(prefix);
        }

        if (_joined.TryAdd(link.Id, 0))
        {
            _metrics.HandshakeCompleted();
        }

        link.Renames.TryTake(); // the first name counts in the burst (a full bucket: always granted)
        _members.Connect(link); // told its name and #lobby, and the members told, at once
        return null;
    }

    private protected override void OnLinkNamed(Link link, string name)
    {
        if (!link.NickRecords.TryTake())
        {
            // Far beyond what a person types: a program flooding the hub, not someone to tell "too fast".
            link.Fail(FailureReason.ProtocolViolation, $"a flood of name changes (more than {_options.NickFloodBurst} at once or faster than one per {_options.NickFloodInterval.TotalSeconds:0.#} s)");
            return;
        }

        if (!link.Renames.TryTake())
        {
            // Too fast for the others to be told of every change: refused, and the peer is told (Presence refused).
            _members.Rename(link, name, refused: true);
            return;
        }

        _members.Rename(link, name, refused: false);
    }

    /// <summary>A connection answered with a puzzle is no failure (its client comes back with the work done): it is reported as such.</summary>
    private protected override void OnLinkFailed(Link link, SessionFailure failure)
    {
        if (failure.Reason == FailureReason.PuzzleRequired)
        {
            _metrics.PuzzleSent();
            OnPuzzleSent(link.Snapshot());
        }
        else
        {
            base.OnLinkFailed(link, failure);
        }
    }

    /// <summary>A member's Request (a flood of requests ends its session).</summary>
    private protected override void OnLinkRequest(Link link, RoomRequestEvent request) => _members.Request(link, request);

    private protected override void OnLinkEnded(Link link)
    {
        if (link.ReachedConfirmation && link.Peer is null && link.Failure?.Reason != FailureReason.ServerBusy)
        {
            // Confirmation failed, or the client left once it knew: with a passphrase, that is one online guess. A
            // handshake the server itself gave up on as busy is no guess of the client's.
            _guesses?.Failed();
            if (link.Prefix is { } prefix)
            {
                _puzzles.Penalize(prefix);
            }
        }

        _admission.Completed(link);
        Measure(link);
        _members.Leave(link);
    }

    /// <summary>Counts a link's end: a joined peer's session (dropped by the server or not), else a failed handshake.</summary>
    private void Measure(Link link)
    {
        SessionFailure? failure = link.Failure;
        if (_joined.TryRemove(link.Id, out _))
        {
            _metrics.SessionEnded(link.DroppedForServerBudget ? "server_budget" : DropReason(failure?.Reason));
        }
        else if (failure is not null && failure.Reason != FailureReason.PuzzleRequired)
        {
            _metrics.HandshakeFailed(failure.Reason);
        }
    }

    /// <summary>Why the server dropped a joined peer, or null when the peer left (or the server shut down).</summary>
    private static string? DropReason(FailureReason? reason) => reason switch
    {
        null or FailureReason.ConnectionLost or FailureReason.RefusedByPeer or FailureReason.ServerShuttingDown => null,
        FailureReason.PeerTooSlow => "too_slow",
        FailureReason.IdleTimeout => "idle",
        FailureReason.ProtocolViolation or FailureReason.FrameTooLarge => "protocol_error",
        { } other => ServerMetrics.Name(other),
    };
}
