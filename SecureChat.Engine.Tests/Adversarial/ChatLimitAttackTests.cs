using System.Net.Sockets;
using System.Text;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// PROTOCOL.md 4.1 and 8: a Chat's text is at most 16,222 bytes, so that the hub can always relay it (a Relay carries the
/// room, the sender's digest and name, up to 162 bytes, with the text in a record of at most 16,384). A member that seals a longer one by hand
/// breaks the protocol: its session fails, it is told (a sealed Close, ProtocolError), and nobody is shown the text,
/// neither the operator nor the other members. Raw clients on 127.0.0.1 do what a modified client would.
/// </summary>
public sealed class ChatLimitAttackTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(WireFormat.ChatTextMax + 1)]
    [InlineData(WireFormat.RecordPlaintextMax - 7)] // the most a record holds after the room "#lobby"
    public async Task A_chat_over_the_text_limit_fails_the_sender_s_session_tells_it_why_and_reaches_nobody(int length)
    {
        await using LiveServer live = LiveServer.Start();
        await using RawClient sender = await OutputBudgetAttackTests.JoinAsync(live, "sender");
        await using var member = new ChatClient(new ChatOptions { Name = "member" });
        var relayed = new List<string>();
        member.MessageReceived += m => { lock (relayed) { relayed.Add(m.Text); } };
        await member.ConnectAsync("127.0.0.1", live.Port).WaitAsync(s_wait);
        await Eventually.True(() => live.Server.Peers.Any(p => p.Name == "member"), "the member to join", s_wait); // relays go to joined members only

        // The member's text waits until it is in #lobby's group; once the operator has read it, the two share the
        // group's epoch, so the marker below is one the member can open.
        await member.SendAsync("member ready");
        await Eventually.True(() => live.CountMessages("member ready") == 1, "the member to be in #lobby's group with the operator", s_wait);

        string text = new('x', length);
        try
        {
            await sender.SendAsync(sender.Produce(s => s.SealApplication(FrameType.Chat, [6, .. "#lobby"u8, .. Encoding.UTF8.GetBytes(text)])));
            await sender.SendAsync(sender.ProduceChat(c => c.SendChat("#lobby", "after")));
        }
        catch (SocketException)
        {
            // The hub closed meanwhile.
        }

        var events = new List<SessionEvent>();
        while (await sender.ReadFrameAsync(s_wait) is { } frame)
        {
            sender.Session.Receive(frame);
        }

        sender.Session.DrainEvents(events);
        SessionFailure? failure = live.HasFailureFor(sender.LocalPort) ? await live.FailureFor(sender.LocalPort) : null;
        await live.Server.SendAsync("marker"); // the member has heard everything relayed before this
        await Eventually.True(() => { lock (relayed) { return relayed.Contains("marker"); } }, "the marker to reach the member", s_wait);
        string figures = $"a Chat of {length} bytes: the hub failed the sender: {failure?.Message ?? "no"}; the sender was told: {events.OfType<ClosedEvent>().SingleOrDefault()?.Code.ToString() ?? "nothing"}; the operator was shown {live.Messages.Count(m => m.Text.Length == length)}, the member {relayed.Count(t => t.Length == length)}";
        output.WriteLine(figures);

        failure.ShouldNotBeNull(figures).Reason.ShouldBe(FailureReason.ProtocolViolation, figures);
        failure.Message.ShouldContain(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{length:N0} bytes"), Case.Sensitive, figures);
        events.OfType<ClosedEvent>().ShouldHaveSingleItem(figures).Code.ShouldBe(AlertCode.ProtocolError, figures);
        live.Messages.ShouldNotContain(m => m.Text.Length == length || m.Text == "after", figures);
        lock (relayed)
        {
            relayed.ShouldNotContain(t => t.Length == length || t == "after", figures);
        }

        await live.ShouldStillServeAnHonestClient(s_wait);
    }

    [Fact]
    public async Task A_chat_at_the_text_limit_from_a_member_with_the_longest_name_is_relayed_whole()
    {
        await using LiveServer live = LiveServer.Start();
        string name = new('n', 32); // the most text elements a name may have
        await using RawClient sender = await OutputBudgetAttackTests.JoinAsync(live, name);
        await using var member = new ChatClient(new ChatOptions { Name = "member" });
        var relayed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        member.MessageReceived += m => relayed.TrySetResult(m.Text);
        await member.ConnectAsync("127.0.0.1", live.Port).WaitAsync(s_wait);
        await Eventually.True(() => live.Server.Peers.Any(p => p.Name == "member"), "the member to join", s_wait);

        string text = new('y', WireFormat.ChatTextMax);
        await sender.SendAsync(sender.ProduceChat(c => c.SendChat("#lobby", text)));

        (await relayed.Task.WaitAsync(s_wait)).ShouldBe(text);
        live.HasFailureFor(sender.LocalPort).ShouldBeFalse();
    }
}
