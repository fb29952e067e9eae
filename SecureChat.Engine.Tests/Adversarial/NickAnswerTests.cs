using System.Diagnostics;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// Live name changes on 127.0.0.1 (PROTOCOL.md 4.1, 4.2, 8): a raw client sends Nick records to a real
/// <see cref="ChatServer"/> and reads every answer, so it can match answers to its requests, see which renames the
/// server accepts, and see that a person renaming too fast is told so and stays connected.
/// </summary>
public sealed class NickAnswerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_nick_gets_its_own_answer_in_the_order_sent_even_when_they_arrive_together()
    {
        await using LiveServer live = LiveServer.Start(new ChatOptions { NickChangeBurst = 100 });
        await using RawClient client = await RawClient.ConnectAsync(live.Port, new SessionSettings { Role = SessionRole.Client, Name = "n0" });
        (await client.HandshakeAsync()).ShouldBeTrue();
        var events = new List<SessionEvent>(client.Events);
        (await ReadUntil(client, events, e => e.OfType<PresenceEvent>().Any(p => p.Kind == PresenceKind.You))).ShouldBeTrue("the join's answer");
        events.Clear();

        string[] asked = ["n1", "n2", "n3", "n4", "n5"];
        byte[] burst = client.ProduceChat(chat =>
        {
            foreach (string name in asked)
            {
                chat.SendNick(name);
            }
        });
        await client.SendAsync(burst); // one write: the five arrive together

        await ReadUntil(client, events, e => e.OfType<PresenceEvent>().Count(p => p.Kind == PresenceKind.You) >= asked.Length, TimeSpan.FromSeconds(3));
        string[] answers = [.. events.OfType<PresenceEvent>().Where(p => p.Kind == PresenceKind.You).Select(p => p.Name)];
        output.WriteLine($"5 Nicks in one write: {answers.Length} answers ({string.Join(", ", answers)})");
        answers.ShouldBe(asked);
    }

    /// <summary>Reads and opens frames until <paramref name="done"/> holds for the events so far; false when the server closed or the time ran out.</summary>
    internal static async Task<bool> ReadUntil(RawClient client, List<SessionEvent> events, Func<List<SessionEvent>, bool> done, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan limit = timeout ?? Eventually.DefaultTimeout;
        while (!done(events))
        {
            TimeSpan left = limit - clock.Elapsed;
            if (left <= TimeSpan.Zero || client.Session.IsEnded)
            {
                return false;
            }

            byte[]? frame;
            try
            {
                frame = await client.ReadFrameAsync(left);
            }
            catch (OperationCanceledException)
            {
                return false;
            }

            if (frame is null)
            {
                client.Session.PeerDisconnected();
                client.Session.DrainEvents(events);
                return false;
            }

            client.Session.Receive(frame);
            client.Session.DrainEvents(events);
            await client.SendAsync(client.TakeOutput()); // answers of its own (a rekey, a heartbeat)
        }

        return true;
    }
}
