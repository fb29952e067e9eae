using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Identity;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Session.Handshake;
using SecureChat.Engine.Session.Trust;

namespace SecureChat.Engine.Transport;

/// <summary>
/// The client's connecting job: opens the socket, runs the handshake until the link is secure, solving the server's
/// puzzles and waiting out its busy refusals (fresh nonces each time), and checks the server's proved identity.
/// </summary>
public sealed partial class ChatClient
{
    private async Task ConnectAsync(string host, int port, Socket? opened, CancellationToken cancellationToken)
    {
        if (_link is not null || _connecting is not null)
        {
            opened?.Dispose();
            throw new InvalidOperationException("already connected");
        }

        (_host, _port) = (host, port);
        try
        {
            await ConnectLinkAsync(host, port, opened, cancellationToken).ConfigureAwait(false);
        }
        catch when (_reconnect is not null)
        {
            _done.TrySetResult(); // a client that never connected does not reconnect: it is done
            throw;
        }
    }

    /// <summary>One reconnect attempt of <see cref="ReconnectLoop"/>: a new link to the same server, as the first.</summary>
    private Task ReconnectAsync(CancellationToken cancellationToken)
    {
        _link = null; // Server and Links follow the new attempt
        return ConnectLinkAsync(_host, _port, opened: null, cancellationToken);
    }

    /// <summary>Connects and runs the handshake, with the puzzle and busy retries, until the link is secure.</summary>
    private async Task ConnectLinkAsync(string host, int port, Socket? opened, CancellationToken cancellationToken)
    {
        _endpointKey = KnownServers.Endpoint(host, port); // how the trust store names this server
        byte[] helloNonce = RandomNumberGenerator.GetBytes(WireFormat.NonceSize);
        PuzzleSolution? solution = null;
        int puzzles = 0;
        int retries = 0;
        Volatile.Write(ref _busyRetriesLeft, _options.BusyRetries);
        while (true)
        {
            Link link = await OpenAsync(host, port, Interlocked.Exchange(ref opened, null), helloNonce, solution, cancellationToken).ConfigureAwait(false);
            try
            {
                await link.Established.WaitAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (ChatConnectionException) when (link.Puzzle is { } puzzle && puzzles < MaxPuzzleAttempts && puzzle.Difficulty <= WireFormat.PuzzleDifficultyMax)
            {
                puzzles++;
                _connecting = link.Snapshot() with { Stage = SessionStage.SolvingPuzzle };
                OnStageChanged(_connecting);
                ulong counter = await Task.Run(() => HandshakePuzzle.Solve(puzzle.Challenge, puzzle.Difficulty, cancellationToken), cancellationToken).ConfigureAwait(false);
                solution = new PuzzleSolution(puzzle.Window, counter);
                _link = null;
            }
            catch (ChatConnectionException) when (link.Puzzle is { } puzzle && puzzle.Difficulty > WireFormat.PuzzleDifficultyMax)
            {
                throw new ChatConnectionException(SessionFailure.Create(FailureReason.PuzzleRequired,
                    $"of {puzzle.Difficulty} bits, more than {WireFormat.PuzzleDifficultyMax} bits (the most this client solves): gave up"));
            }
            catch (ChatConnectionException e) when (RetriesAfter(link, e.Failure))
            {
                retries++;
                Volatile.Write(ref _busyRetriesLeft, _options.BusyRetries - retries);
                TimeSpan delay = BusyPause(retries);
                _connecting = link.Snapshot() with
                {
                    Stage = SessionStage.WaitingToRetry,
                    Retry = new BusyRetry(retries, _options.BusyRetries, delay, e.Failure.Reason),
                };
                _link = null;
                OnStageChanged(_connecting);
                await Task.Delay(delay, _options.Time, cancellationToken).ConfigureAwait(false);

                // A new connection is a new handshake: a fresh hello nonce (the session draws every other one afresh),
                // and no puzzle answer, which was bound to the old nonce.
                helloNonce = RandomNumberGenerator.GetBytes(WireFormat.NonceSize);
                solution = null;
            }
            catch (OperationCanceledException)
            {
                await link.CloseAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>
    /// True when a refusal is retried (<see cref="ChatOptions.BusyRetries"/>): busy or rate-limited, before the server
    /// answered the hello (no group agreed yet: the server has spent nothing on this client), and retries are left.
    /// Rate-limited is retried like busy: the server sends it only for the number of handshakes in progress from the
    /// address (it puts a guesser under its confirmation penalty with puzzles, never with this alert).
    /// </summary>
    private bool RetriesAfter(Link link, SessionFailure failure) =>
        failure.Reason is FailureReason.ServerBusy or FailureReason.RateLimited &&
        link.Snapshot().Group is null &&
        Volatile.Read(ref _busyRetriesLeft) > 0;

    /// <summary>The pause before retry <paramref name="retry"/> (1, 2, ...): the first delay doubled, at most 8 times it, then between half and all of that at random.</summary>
    private TimeSpan BusyPause(int retry)
    {
        TimeSpan full = _options.BusyRetryDelay * (1 << Math.Min(retry - 1, 3));
        return full * (0.5 + Random.Shared.NextDouble() / 2);
    }

    /// <summary>Connects (unless <paramref name="opened"/> is already connected) and starts the handshake.</summary>
    private async Task<Link> OpenAsync(string host, int port, Socket? opened, byte[] helloNonce, PuzzleSolution? solution, CancellationToken cancellationToken)
    {
        _connecting = new PeerInfo(0, new DnsEndPoint(host, port), ServerName, SessionStage.Connecting, null, null, null);
        OnStageChanged(_connecting);
        Socket socket = opened ?? new Socket(SocketType.Stream, ProtocolType.Tcp);

        string endpoint = _endpointKey!;
        string[] names = [endpoint];
        SessionSettings settings = SessionSettingsFactory.Create(_options, SessionRole.Client, _name, CheckServer) with
        {
            HelloNonce = helloNonce,
            PuzzleSolution = solution,
            KeyPairs = _keyPairs,
        };

        // The early Commit's key pair is made while the connection opens (on a real network, well within the round trip).
        Task keyPairReady = Negotiation.EarlyCommitGroup(settings) is { } group ? _keyPairs.Prepare(group) : Task.CompletedTask;
        try
        {
            if (opened is null)
            {
                await socket.ConnectAsync(OpenedConnection.Target(host, port), cancellationToken).ConfigureAwait(false);
            }

            if (socket.RemoteEndPoint is IPEndPoint connected && KnownServers.Endpoint(connected) is var reached && reached != endpoint)
            {
                names = [endpoint, reached]; // the pin covers the address the name led to (as ssh's CheckHostIP)
            }

            await keyPairReady.ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            SessionFailure failure = OpenedConnection.Refused(host, port, e);
            _connecting = _connecting with { Stage = SessionStage.Failed };
            OnFailed(_connecting, failure);
            throw new ChatConnectionException(failure);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var link = new Link(1, socket, settings, new LinkContext(_options), Translate, ServerName);
        _link = link;
        Groups.Attach(link); // before the handshake ends: group records in the same read as its last frame go to the book
        OnStageChanged(link.Snapshot());
        link.Start();
        return link;

        IdentityVerdict CheckServer(PeerIdentity peer) =>
            _options.CheckServerIdentity?.Invoke(names, peer)
            ?? _options.CheckPeerIdentity?.Invoke(endpoint, peer)
            ?? IdentityVerdict.Accept(TrustState.New);
    }
}
