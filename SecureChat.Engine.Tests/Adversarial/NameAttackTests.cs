using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// Live attacks on names: a raw client on 127.0.0.1 asks a real <see cref="ChatServer"/> for a name that looks like
/// one in use, is invisible, or looks like a notice. The server must give it another, valid name, tell it which, and
/// announce only that name; the operator cannot take a connected peer's name either.
/// </summary>
public sealed class NameAttackTests
{
    [Theory]
    [InlineData("Alice\u200b")] // zero-width space
    [InlineData("\u0410lice")] // Cyrillic capital A
    [InlineData("alice")]
    [InlineData("AIice")] // capital i
    [InlineData("Server")] // the operator's name is reserved
    [InlineData("\u0405erver")] // Cyrillic DZE
    public async Task A_peer_cannot_take_a_name_that_looks_like_one_in_use(string requested)
    {
        await using LiveServer live = LiveServer.Start();
        await using var alice = new ChatClient(new ChatOptions { Name = "Alice" });
        var seenByAlice = new ConcurrentQueue<PresenceNotice>();
        alice.PresenceChanged += seenByAlice.Enqueue;
        await alice.ConnectAsync("127.0.0.1", live.Port);
        await Eventually.True(() => live.Server.Peers.Any(p => p.Name == "Alice"), "Alice to join");

        await using RawClient mallory = await RawClient.ConnectAsync(live.Port, new SessionSettings { Role = SessionRole.Client, Name = requested });
        (await mallory.HandshakeAsync()).ShouldBeTrue();
        string given = await NameTheServerGave(mallory);

        given.ShouldNotBe(requested);
        NameRules.AreConfusable(given, "Alice").ShouldBeFalse(given);
        NameRules.AreConfusable(given, "Server").ShouldBeFalse(given);

        NameRules.IsValid(given).ShouldBeTrue(given);
        await Eventually.True(() => seenByAlice.Any(n => n.Kind == PresenceKind.Joined && n.Name == given), $"Alice to be told that {given} joined");
        // The operator is announced under its own name (proved in the handshake, then a member of #lobby); nobody else is.
        seenByAlice.Where(n => n.Kind is not (PresenceKind.Joined or PresenceKind.Member) || n.Name != "Server").ShouldNotContain(n => n.Name == requested || n.NewName == requested);
        live.Server.Peers.Select(p => NameRules.Key(p.Name)).ShouldBeUnique();
    }

    [Theory]
    [InlineData("*")]
    [InlineData("* Alice left")]
    [InlineData("\u2060")]
    [InlineData("[*] Server")]
    [InlineData("Bob]: hi")]
    [InlineData("\u202EBob")]
    [InlineData("Bob\n[*] Alice left")]
    public async Task A_peer_that_asks_for_a_name_against_the_rules_gets_a_valid_one_and_is_told_which(string requested)
    {
        await using LiveServer live = LiveServer.Start();
        var announced = new ConcurrentQueue<PresenceNotice>();
        live.Server.PresenceChanged += announced.Enqueue;
        await using RawClient mallory = await RawClient.ConnectAsync(live.Port, new SessionSettings { Role = SessionRole.Client, Name = requested });
        (await mallory.HandshakeAsync()).ShouldBeTrue();

        string given = await NameTheServerGave(mallory);
        NameRules.IsValid(given).ShouldBeTrue(given);
        SafeText.Name(given).ShouldBe(given);
        await Eventually.True(() => announced.Any(n => n.Kind == PresenceKind.Joined), "the join to be announced");
        announced.ShouldAllBe(n => n.Name == given);
        await live.ShouldStillServeAnHonestClient();
    }

    [Fact]
    public async Task An_honest_client_whose_name_is_taken_learns_the_name_it_got()
    {
        await using LiveServer live = LiveServer.Start();
        await using var alice = new ChatClient(new ChatOptions { Name = "Alice" });
        await alice.ConnectAsync("127.0.0.1", live.Port);
        await Eventually.True(() => live.Server.Peers.Any(p => p.Name == "Alice"), "Alice to join");

        await using var other = new ChatClient(new ChatOptions { Name = "ALICE" });
        var assigned = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        other.NameAssigned += n => assigned.TrySetResult(n);
        await other.ConnectAsync("127.0.0.1", live.Port);
        (await assigned.Task.WaitAsync(Eventually.DefaultTimeout)).ShouldBe("ALICE-2");
        other.Name.ShouldBe("ALICE-2");
    }

    [Fact]
    public async Task A_name_is_free_again_once_its_holder_left_or_renamed()
    {
        // PROTOCOL.md 4.8: a member whose link ends is away and keeps its name until AwayMax on the hub's clock, then
        // leaves (Presence left) and its name is free; a rename frees the old name at once.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var awayMax = TimeSpan.FromMinutes(5);
        await using LiveServer live = LiveServer.Start(new ChatOptions { Time = time, AwayMax = awayMax, IdleTimeout = TimeSpan.FromHours(1) });
        var seenByHub = new ConcurrentQueue<PresenceNotice>();
        live.Server.PresenceChanged += seenByHub.Enqueue;
        var alice = new ChatClient(new ChatOptions { Name = "Alice" });
        await alice.ConnectAsync("127.0.0.1", live.Port);
        await using var bob = new ChatClient(new ChatOptions { Name = "Bob" });
        await bob.ConnectAsync("127.0.0.1", live.Port);
        await Eventually.True(() => live.Server.Peers.Count(p => p.Name is "Alice" or "Bob") == 2, "Alice and Bob to join");

        bob.ChangeName("Carol");
        await Eventually.True(() => live.Server.Peers.Any(p => p.Name == "Carol"), "Bob to become Carol");
        await using var another = new ChatClient(new ChatOptions { Name = "bob" });
        await another.ConnectAsync("127.0.0.1", live.Port);
        await Eventually.True(() => live.Server.Peers.Any(p => p.Name == "bob"), "the renamed holder's name to be given as asked");

        await alice.DisposeAsync();
        await Eventually.True(() => seenByHub.Any(n => n.Kind == PresenceKind.Away && n.Name == "Alice"), "Alice to be away");
        await using var early = await ConnectNamedAsync(live, "alice");
        early.Name.ShouldBe("alice-2", "an away member keeps its name");

        time.Advance(awayMax - TimeSpan.FromSeconds(1));
        await using var stillEarly = await ConnectNamedAsync(live, "ALICE");
        stillEarly.Name.ShouldBe("ALICE-3", "a second before AwayMax the away member still holds its name");
        seenByHub.ShouldNotContain(n => n.Kind == PresenceKind.Left && n.Name == "Alice");

        time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.True(() => seenByHub.Any(n => n.Kind == PresenceKind.Left && n.Name == "Alice"), "Alice to leave once away for AwayMax");
        await using var newcomer = await ConnectNamedAsync(live, "alice");
        newcomer.Name.ShouldBe("alice", "the name of a member that left is free");
    }

    [Theory]
    [InlineData("Alice")]
    [InlineData("alice")]
    [InlineData("\u0410lice")]
    [InlineData("Alice\u200b")]
    public async Task The_operator_cannot_take_a_connected_peer_s_name_or_a_lookalike(string name)
    {
        await using LiveServer live = LiveServer.Start(new ChatOptions { Name = "Operator" });
        await using var alice = new ChatClient(new ChatOptions { Name = "Alice" });
        await alice.ConnectAsync("127.0.0.1", live.Port);
        await Eventually.True(() => live.Server.Peers.Any(p => p.Name == "Alice") && alice.Server?.Name == "Operator", "Alice to join");

        Should.Throw<ArgumentException>(() => live.Server.ChangeName(name));
        live.Server.Name.ShouldBe("Operator");
        alice.Server!.Name.ShouldBe("Operator");
    }

    /// <summary>Connects a client asking for <paramref name="name"/> and waits until the hub has told it the name it got.</summary>
    private static async Task<ChatClient> ConnectNamedAsync(LiveServer live, string name)
    {
        var client = new ChatClient(new ChatOptions { Name = name });
        var assigned = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.NameAssigned += n => assigned.TrySetResult(n);
        await client.ConnectAsync("127.0.0.1", live.Port);
        await assigned.Task.WaitAsync(Eventually.DefaultTimeout);
        return client;
    }

    /// <summary>Reads what the server sends until it tells this peer its name (Presence you), which it does on joining.</summary>
    private static async Task<string> NameTheServerGave(RawClient client)
    {
        var events = new List<SessionEvent>(client.Events);
        while (true)
        {
            if (events.OfType<PresenceEvent>().FirstOrDefault(p => p.Kind == PresenceKind.You) is { } you)
            {
                return you.Name;
            }

            if (await client.ReadFrameAsync() is not { } frame)
            {
                break;
            }

            client.Session.Receive(frame);
            client.Session.DrainEvents(events);
        }

        throw new ShouldAssertException("the server closed the connection without telling the peer its name");
    }
}
