using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace SecureChat.Engine.Diagnostics;

/// <summary>
/// The hub's instruments, on one <see cref="Meter"/> named <see cref="MeterName"/> per process (watch them with
/// <c>dotnet-counters monitor -n securechat --counters SecureChat</c>, or read them with a
/// <see cref="MeterListener"/>). Every measurement carries the tag <see cref="ServerTag"/>, the measuring server's
/// <see cref="Transport.ChatServer.MetricsId"/>, so several servers in one process are told apart; drops and failed
/// handshakes also carry <see cref="ReasonTag"/>.
/// </summary>
public static class ChatMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "SecureChat";

    /// <summary>The tag naming the server a measurement is from.</summary>
    public const string ServerTag = "server";

    /// <summary>The tag saying why a handshake failed or a peer was dropped.</summary>
    public const string ReasonTag = "reason";

    /// <summary>The tag saying what kind of message a relayed record carries: <see cref="KindRoom"/> or <see cref="KindDirect"/>.</summary>
    public const string KindTag = "kind";

    /// <summary>A room message (GroupRelay in a room's group).</summary>
    public const string KindRoom = "room";

    /// <summary>A direct message (GroupRelay in a direct conversation's group).</summary>
    public const string KindDirect = "direct";

    /// <summary>The tag naming a request's operation in snake case (join, part, kick...).</summary>
    public const string OpTag = "op";

    /// <summary>The tag naming the hub's answer to a request in snake case (done, not_member, rate_limited...).</summary>
    public const string ResultTag = "result";

    /// <summary>UpDownCounter: peers whose handshake completed and whose link is not gone yet.</summary>
    public const string SessionsActive = "securechat.sessions.active";

    /// <summary>Counter: connections accepted (each one starts a handshake, or is refused as busy or rate limited).</summary>
    public const string HandshakesStarted = "securechat.handshakes.started";

    /// <summary>Counter: handshakes that ended with the peer joined.</summary>
    public const string HandshakesCompleted = "securechat.handshakes.completed";

    /// <summary>Counter: handshakes that ended without the peer joined, tagged with the reason (a puzzle sent is not one).</summary>
    public const string HandshakesFailed = "securechat.handshakes.failed";

    /// <summary>Counter: connections answered with a puzzle instead of a handshake.</summary>
    public const string PuzzlesSent = "securechat.puzzles.sent";

    /// <summary>Counter: joined peers the server dropped, tagged with the reason.</summary>
    public const string PeersDropped = "securechat.peers.dropped";

    /// <summary>Counter: bytes written to peers' sockets.</summary>
    public const string BytesSent = "securechat.bytes.sent";

    /// <summary>
    /// Counter: chat records sealed for peers (one per recipient of each message relayed or sent by the operator), tagged
    /// with <see cref="KindTag"/>.
    /// </summary>
    public const string RecordsRelayed = "securechat.records.relayed";

    /// <summary>Counter: requests from members the hub answered, tagged with <see cref="OpTag"/> and <see cref="ResultTag"/>.</summary>
    public const string RequestsHandled = "securechat.requests.handled";

    /// <summary>The tag naming the operator's event whose handler threw, in snake case (presence_changed, message_received...).</summary>
    public const string EventTag = "event";

    /// <summary>Counter: the operator's event handlers that threw (the hub went on), tagged with <see cref="EventTag"/>.</summary>
    public const string HandlersFaulted = "securechat.handlers.faulted";

    /// <summary>Counter: acknowledgements sent to members (one per read that brought a message, request, name or heartbeat).</summary>
    public const string AcksSent = "securechat.acks.sent";

    /// <summary>ObservableGauge: bytes sealed for peers and not yet written, and received events waiting to be relayed.</summary>
    public const string QueuedOutput = "securechat.output.queued";

    /// <summary>Histogram: milliseconds from a message's fan-out to the moment every peer's output was written.</summary>
    public const string FanoutDuration = "securechat.fanout.duration";

    private static readonly ConcurrentDictionary<ServerMetrics, Func<long>> s_queued = new(ReferenceEqualityComparer.Instance);

    /// <summary>The process's meter.</summary>
    public static Meter Meter { get; } = new(MeterName, typeof(ChatMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);

    internal static UpDownCounter<long> Sessions { get; } = Meter.CreateUpDownCounter<long>(SessionsActive, "{session}", "Peers joined and not gone yet");

    internal static Counter<long> Started { get; } = Meter.CreateCounter<long>(HandshakesStarted, "{handshake}", "Connections accepted");

    internal static Counter<long> Completed { get; } = Meter.CreateCounter<long>(HandshakesCompleted, "{handshake}", "Handshakes that ended with the peer joined");

    internal static Counter<long> Failed { get; } = Meter.CreateCounter<long>(HandshakesFailed, "{handshake}", "Handshakes that ended without the peer joined");

    internal static Counter<long> Puzzles { get; } = Meter.CreateCounter<long>(PuzzlesSent, "{puzzle}", "Connections answered with a puzzle");

    internal static Counter<long> Dropped { get; } = Meter.CreateCounter<long>(PeersDropped, "{peer}", "Joined peers the server dropped");

    internal static Counter<long> Bytes { get; } = Meter.CreateCounter<long>(BytesSent, "By", "Bytes written to peers' sockets");

    internal static Counter<long> Records { get; } = Meter.CreateCounter<long>(RecordsRelayed, "{record}", "Chat records (GroupRelay) sealed for peers");

    internal static Counter<long> Requests { get; } = Meter.CreateCounter<long>(RequestsHandled, "{request}", "Requests from members the hub answered");

    internal static Counter<long> Faults { get; } = Meter.CreateCounter<long>(HandlersFaulted, "{fault}", "Operator's event handlers that threw");

    internal static Counter<long> Acks { get; } = Meter.CreateCounter<long>(AcksSent, "{ack}", "Acknowledgements sent to members");

    internal static Histogram<double> Fanout { get; } = Meter.CreateHistogram<double>(FanoutDuration, "ms", "From a fan-out to every peer's output written");

    private static readonly ObservableGauge<long> s_queuedGauge = Meter.CreateObservableGauge(QueuedOutput, ObserveQueued, "By", "Output not yet written and received events not yet relayed");

    /// <summary>The server's queued bytes are observed from now on (until <see cref="Unwatch"/>).</summary>
    internal static void Watch(ServerMetrics server, Func<long> queued)
    {
        _ = s_queuedGauge;
        s_queued[server] = queued;
    }

    internal static void Unwatch(ServerMetrics server) => s_queued.TryRemove(server, out _);

    private static IEnumerable<Measurement<long>> ObserveQueued() =>
        [.. s_queued.Select(s => new Measurement<long>(s.Value(), s.Key.Tag))];
}
