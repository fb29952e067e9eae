using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Transport;

/// <summary>
/// The hub registers a new connection as handshaking (<see cref="Admission.TryAdmit"/>) just before it starts the
/// connection's session. The per-step deadline (<see cref="LinkTimers"/>) is armed at admission, so it can fire in
/// between: the link must count as having just arrived, not as silent since the clock's zero. A solution test run
/// once lost a client that way: the server answered its ClientHello with "the handshake did not finish in time"
/// within a second of the connect.
/// </summary>
public sealed class AdmissionTests
{
    [Fact]
    public async Task A_connection_admitted_and_not_yet_started_is_not_dropped_as_stalled_by_the_step_deadline()
    {
        var time = new FakeTimeProvider();
        time.Advance(TimeSpan.FromHours(1)); // a server up for an hour: its clock is far from zero
        ChatOptions options = new ChatOptions { Name = "hub", Time = time }.FromOneAddress();
        using var connection = await AcceptedConnection.OpenAsync();
        Link link = connection.UnstartedLink(options);
        var admission = new Admission(options);

        admission.TryAdmit(link, connected: 0).ShouldBe(AdmissionVerdict.Admitted);
        time.Advance(options.HandshakeStepTimeout - TimeSpan.FromTicks(1));

        link.IsEnded.ShouldBeFalse($"dropped before it started: {link.Failure?.Message}");
        admission.Pending.ShouldBe(1);
    }

    [Fact]
    public async Task A_connection_admitted_and_not_yet_started_is_dropped_once_it_owes_a_message_for_the_step_deadline()
    {
        var time = new FakeTimeProvider();
        ChatOptions options = new ChatOptions { Name = "hub", Time = time }.FromOneAddress();
        using var connection = await AcceptedConnection.OpenAsync();
        Link link = connection.UnstartedLink(options);
        var admission = new Admission(options);

        admission.TryAdmit(link, connected: 0).ShouldBe(AdmissionVerdict.Admitted);
        time.Advance(options.HandshakeStepTimeout); // the deadline fires on this thread, as the clock reaches it
        link.IsEnded.ShouldBeTrue("not dropped when the step deadline was due");

        link.Failure!.Reason.ShouldBe(FailureReason.HandshakeTimeout);
        admission.Pending.ShouldBe(0);
    }

    /// <summary>A real accepted TCP connection on 127.0.0.1, as the hub has it when it admits a link.</summary>
    private sealed class AcceptedConnection : IDisposable
    {
        private readonly Socket _listener;
        private readonly Socket _peer;
        private readonly Socket _accepted;

        private AcceptedConnection(Socket listener, Socket peer, Socket accepted) => (_listener, _peer, _accepted) = (listener, peer, accepted);

        public static async Task<AcceptedConnection> OpenAsync()
        {
            var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await peer.ConnectAsync(listener.LocalEndPoint!);
            return new AcceptedConnection(listener, peer, await listener.AcceptAsync());
        }

        /// <summary>The server's link for this connection, made as the hub makes it and not started.</summary>
        public Link UnstartedLink(ChatOptions options) =>
            new(1, _accepted, SessionSettingsFactory.Create(options, SessionRole.Server, "hub", null), new LinkContext(options), (_, _) => { }, "peer");

        public void Dispose()
        {
            _accepted.Dispose();
            _peer.Dispose();
            _listener.Dispose();
        }
    }
}
