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
        await using LiveServer live = LiveServer.Start(new ChatOptions { NickBurst = 100 });
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

    [Fact]
    public async Task The_name_change_burst_counts_the_first_name()
    {
        await using LiveServer live = LiveServer.Start(new ChatOptions { NickBurst = 3, NickInterval = TimeSpan.FromHours(1) });
        await using RawClient client = await JoinedClient(live, "n0");

        int accepted = 0;
        for (int i = 1; i <= 4; i++)
        {
            PresenceEvent? answer = await RenameAsync(client, "n" + i);
            if (answer is not { Kind: PresenceKind.You } || answer.Name != "n" + i)
            {
                break;
            }

            accepted++;
        }

        output.WriteLine($"burst 3: the first name and {accepted} renames accepted");
        accepted.ShouldBe(2, "a burst of 3 is the first name and two renames");
    }

    [Fact]
    public async Task A_person_renaming_too_fast_is_told_the_name_did_not_change_and_stays_connected()
    {
        await using LiveServer live = LiveServer.Start(new ChatOptions { NickBurst = 5, NickInterval = TimeSpan.FromHours(1) });
        await using RawClient client = await JoinedClient(live, "n0");

        var answers = new List<string>();
        for (int i = 1; i <= 6; i++)
        {
            PresenceEvent? answer = await RenameAsync(client, "n" + i);
            answers.Add(answer is null ? "(connection ended)" : $"{answer.Kind} {answer.Name}");
            if (answer is null)
            {
                break;
            }
        }

        output.WriteLine($"six renames, burst 5: {string.Join(", ", answers)}; server failures: {live.Failures.Count}");
        answers.ShouldBe(["You n1", "You n2", "You n3", "You n4", "Refused n4", "Refused n4"]);
        live.Failures.ShouldBeEmpty();
        live.Server.Peers.Single(p => LiveServer.PortOf(p) == client.LocalPort).Name.ShouldBe("n4");

        await client.SendAsync(client.ProduceChat(chat => chat.SendRequest(RoomOp.List, string.Empty, string.Empty, string.Empty)));
        var listed = new List<SessionEvent>();
        (await ReadUntil(client, listed, e => e.OfType<RoomInfoEvent>().Any(r => r.Kind == RoomInfoKind.ListEnd))).ShouldBeTrue("the refused peer's next request to be answered");
    }

    [Fact]
    public async Task A_flood_of_name_changes_far_beyond_typing_is_dropped_and_the_others_are_served()
    {
        await using LiveServer live = LiveServer.Start();
        await using RawClient client = await JoinedClient(live, "n0");
        byte[] flood = client.ProduceChat(chat =>
        {
            for (int i = 0; i < 200; i++)
            {
                chat.SendNick("f" + i);
            }
        });
        await client.SendAsync(flood);

        SessionFailure failure = await live.FailureFor(client.LocalPort);
        output.WriteLine($"200 Nicks in one write: {failure.Reason} ({failure.Message})");
        failure.Reason.ShouldBe(FailureReason.ProtocolViolation);
        await live.ShouldStillServeAnHonestClient();
    }

    [Fact]
    public async Task A_client_renamed_too_fast_keeps_its_name_and_its_connection_and_is_told()
    {
        await using LiveServer live = LiveServer.Start(new ChatOptions { NickBurst = 2, NickInterval = TimeSpan.FromHours(1) });
        await using var client = new ChatClient(new ChatOptions { Name = "Alice" });
        var notices = new System.Collections.Concurrent.ConcurrentQueue<PresenceNotice>();
        client.PresenceChanged += notices.Enqueue;
        await client.ConnectAsync("127.0.0.1", live.Port);
        await Eventually.True(() => live.Server.Peers.Any(p => p.Name == "Alice"), "Alice to join");

        client.ChangeName("Bob");
        await Eventually.True(() => live.Server.Peers.Any(p => p.Name == "Bob"), "the one rename the burst leaves to pass");
        client.ChangeName("Carol");
        PresenceNotice refused = await Eventually.Value(() => notices.FirstOrDefault(n => n.Kind == PresenceKind.Refused), "the refusal");

        output.WriteLine($"burst 2: Alice, Bob accepted; Carol: {refused.Kind}, still {refused.Name}; the client's name: {client.Name}");
        refused.Name.ShouldBe("Bob");
        client.Name.ShouldBe("Bob");
        live.Server.Peers.Single().Name.ShouldBe("Bob");
        await client.SendAsync("after the refusal");
        await Eventually.True(() => live.CountMessages("after the refusal") == 1, "the client to stay connected");
    }

    private static async Task<RawClient> JoinedClient(LiveServer live, string name)
    {
        RawClient client = await RawClient.ConnectAsync(live.Port, new SessionSettings { Role = SessionRole.Client, Name = name });
        (await client.HandshakeAsync()).ShouldBeTrue();
        var events = new List<SessionEvent>(client.Events);
        (await ReadUntil(client, events, e => e.OfType<PresenceEvent>().Any(p => p.Kind == PresenceKind.You))).ShouldBeTrue("the join's answer");
        return client;
    }

    /// <summary>Sends one Nick and returns the server's answer to it (the next Presence about this peer itself), or null when the session ended.</summary>
    private static async Task<PresenceEvent?> RenameAsync(RawClient client, string name)
    {
        await client.SendAsync(client.ProduceChat(chat => chat.SendNick(name)));
        var events = new List<SessionEvent>();
        await ReadUntil(client, events, e => e.OfType<PresenceEvent>().Any(IsAnswer));
        return events.OfType<PresenceEvent>().FirstOrDefault(IsAnswer);

        static bool IsAnswer(PresenceEvent p) => p.Kind is PresenceKind.You or PresenceKind.Refused;
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
