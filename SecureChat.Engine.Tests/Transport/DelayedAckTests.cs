using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Tests.Adversarial;
using SecureChat.Engine.Tests.Hub.Groups;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Transport;

/// <summary>
/// The hub's acknowledgements (PROTOCOL.md 4.7) wait up to <see cref="ChatOptions.AckDelay"/> for other output to the
/// member and go out after it, in the same write; alone, they go when the delay ends and not a tick before; after a
/// heartbeat, at once. A raw client on 127.0.0.1 reads the record types the hub sends (they are in the clear), and the
/// hub's clock is a <see cref="FakeTimeProvider"/>, so only the order of records is measured, never the wall clock.
/// </summary>
public sealed class DelayedAckTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_tick = TimeSpan.FromTicks(1);
    private static readonly GroupTarget s_lobby = GroupTarget.ForRoom(ChatEndpoint.Lobby);

    /// <summary>How long the client listens for a record that must not come (a record that came would show at once).</summary>
    private static readonly TimeSpan s_silence = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task An_ack_for_a_message_the_operator_answers_goes_out_after_the_answer_and_not_before_it()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow); // the key packages' lifetimes are of today
        await using LiveServer live = LiveServer.Start(Options(time));
        live.Server.MessageReceived += m => _ = live.Server.SendAsync(m.Text).AsTask();
        await using LiveGroupMember asker = await InLobbyGroupAsync(live, "asker");
        RawClient client = asker.Raw;
        var frames = new ConcurrentQueue<FrameType>();
        Task reading = ReadAll(client, frames);
        int start = await Settled(client, frames);

        byte[] question = asker.Keys.Message("answer me");
        await client.SendAsync(client.ProduceChat(c => c.Groups.SendGroupMessage(s_lobby, question)));

        await Eventually.True(() => frames.Skip(start).Contains(FrameType.Ack), "the Ack for the message");
        FrameType[] after = [.. frames.Skip(start)];
        output.WriteLine($"records after the message, with no time passed on the hub's clock: {string.Join(", ", after)}");
        after.ShouldBe([FrameType.GroupRelay, FrameType.Ack], "the answer first, then the Ack that waited for it");
        live.Messages.ShouldContain(m => m.Text == "answer me", "the operator read the question in #lobby's group");
        client.Abort();
        await reading;
    }

    [Fact]
    public async Task An_ack_for_a_message_nobody_answers_goes_out_when_the_ack_delay_has_passed_and_not_a_tick_before()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow); // the key packages' lifetimes are of today
        ChatOptions options = Options(time);
        await using LiveServer live = LiveServer.Start(options);
        await using LiveGroupMember member = await InLobbyGroupAsync(live, "member");
        RawClient client = member.Raw;
        var frames = new ConcurrentQueue<FrameType>();
        Task reading = ReadAll(client, frames);
        int start = await Settled(client, frames);

        byte[] text = member.Keys.Message("nobody answers");
        await client.SendAsync(client.ProduceChat(c => c.Groups.SendGroupMessage(s_lobby, text)));
        await Eventually.True(() => live.Messages.Any(m => m.Text == "nobody answers"), "the hub to handle the message");
        time.Advance(options.AckDelay - s_tick);
        await Task.Delay(s_silence);
        frames.Skip(start).ShouldBeEmpty("the Ack went out before its delay");

        time.Advance(s_tick);
        var clock = Stopwatch.StartNew();
        await Eventually.True(() => frames.Skip(start).Contains(FrameType.Ack), "the Ack once its delay passed");
        output.WriteLine($"Ack sent at {options.AckDelay.TotalMilliseconds} ms of the hub's clock; read {clock.Elapsed.TotalMilliseconds:0.#} ms of real time after the clock moved");
        frames.Skip(start).ShouldBe([FrameType.Ack]);
        client.Abort();
        await reading;
    }

    [Fact]
    public async Task A_heartbeat_is_acknowledged_at_once_so_the_lag_it_measures_holds_no_delay()
    {
        var time = new FakeTimeProvider();
        await using LiveServer live = LiveServer.Start(Options(time));
        await using RawClient client = await RawClient.ConnectAsync(live.Port);
        (await client.HandshakeAsync()).ShouldBeTrue();
        var frames = new ConcurrentQueue<FrameType>();
        Task reading = ReadAll(client, frames);

        await Settled(client, frames); // a heartbeat, answered with no time passed on the hub's clock
        output.WriteLine($"records: {string.Join(", ", frames)}");
        frames.ShouldContain(FrameType.Ack);
        client.Abort();
        await reading;
    }

    private static ChatOptions Options(FakeTimeProvider time) => new()
    {
        Name = "hub",
        Time = time,
        PresenceDelay = TimeSpan.Zero,
        HeartbeatInterval = TimeSpan.FromHours(1),
        IdleTimeout = TimeSpan.FromHours(2),
        RekeyAfterTime = TimeSpan.FromDays(1),
        TickInterval = TimeSpan.FromDays(1),
        HandshakeTimeout = TimeSpan.FromHours(1),
        HandshakeStepTimeout = TimeSpan.FromHours(1),
    };

    /// <summary>
    /// A raw client in #lobby's MLS group: the operator, the group's founder, adds it by its key packages, and it joins
    /// by the Welcome. Every whole frame of the join is read by its session before the test reads frames itself.
    /// </summary>
    private static async Task<LiveGroupMember> InLobbyGroupAsync(LiveServer live, string name)
    {
        LiveGroupMember member = await LiveGroupMember.ConnectAsync(live.Port, name);
        await member.UntilAsync(m => m.Count<WelcomeRelayRecord>(s_lobby) == 1);
        member.Keys.Join(member.Last<WelcomeRelayRecord>(s_lobby).Mls);
        await member.Raw.PumpUntilAsync(() => false, s_silence).ContinueWith(_ => { });
        return member;
    }

    /// <summary>Sends a heartbeat and waits for its Ack: what the hub sent on joining is in by then. Returns the count.</summary>
    private static async Task<int> Settled(RawClient client, ConcurrentQueue<FrameType> frames)
    {
        await client.SendAsync(client.Produce(s => s.SealControl(FrameType.Heartbeat, [])));
        await Eventually.True(() => frames.Contains(FrameType.Ack), "the heartbeat's Ack");
        await Task.Delay(s_silence);
        return frames.Count;
    }

    /// <summary>Reads frames until the connection ends, recording their types.</summary>
    private static Task ReadAll(RawClient client, ConcurrentQueue<FrameType> frames) => Task.Run(async () =>
    {
        try
        {
            while (await client.ReadFrameAsync(TimeSpan.FromMinutes(2)) is { } frame)
            {
                frames.Enqueue((FrameType)frame[0]);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            // the test ended the connection
        }
    });
}
