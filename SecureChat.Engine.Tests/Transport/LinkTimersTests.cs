using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Transport;

/// <summary>
/// Every deadline of a link fires when it is due and not a tick before, on the clock the
/// options give (a <see cref="FakeTimeProvider"/> here: no test waits for real time to pass). Links run over real TCP
/// on 127.0.0.1; a fake clock's timers fire on the thread that advances it, so what a deadline does has happened by
/// the time <see cref="FakeTimeProvider.Advance"/> returns.
/// </summary>
public sealed class LinkTimersTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_tick = TimeSpan.FromTicks(1);

    /// <summary>Keeps the timers a test is not about out of its way.</summary>
    private static ChatOptions Quiet(FakeTimeProvider time) => new()
    {
        Time = time,
        HeartbeatInterval = TimeSpan.FromHours(1),
        IdleTimeout = TimeSpan.FromHours(2),
        RekeyAfterTime = TimeSpan.FromDays(1),
        TickInterval = TimeSpan.FromDays(1),
        HandshakeTimeout = TimeSpan.FromHours(1),
        HandshakeStepTimeout = TimeSpan.FromHours(1),
    };

    [Fact]
    public async Task The_handshake_deadline_ends_a_silent_handshake_when_the_handshake_timeout_has_passed_and_not_a_tick_before()
    {
        var time = new FakeTimeProvider();
        ChatOptions options = Quiet(time) with { HandshakeTimeout = TimeSpan.FromSeconds(10) };
        (Socket peer, Socket accepted) = await LinkPair.ConnectedSocketsAsync();
        Link link = ServerLink(accepted, options);
        using (peer)
        {
            link.Start(); // the peer never says a word

            time.Advance(options.HandshakeTimeout - s_tick);
            link.IsEnded.ShouldBeFalse("ended a tick early");
            time.Advance(s_tick);
            link.IsEnded.ShouldBeTrue("still alive when the deadline was due");
            link.Failure!.Reason.ShouldBe(FailureReason.HandshakeTimeout);
            output.WriteLine($"ended at {options.HandshakeTimeout.TotalSeconds} s of fake time: {link.Failure.Message}");
        }

        await link.Completion.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>The hub's link for <paramref name="accepted"/>, made as the hub makes it and not started.</summary>
    private static Link ServerLink(Socket accepted, ChatOptions options) =>
        new(1, accepted, SessionSettingsFactory.Create(options, SessionRole.Server, "hub", null), options, null, (_, _) => { }, "peer");
}
