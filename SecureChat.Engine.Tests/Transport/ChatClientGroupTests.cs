using SecureChat.Engine.Crypto;
using SecureChat.Engine.Groups;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Tests.Hub;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Transport;

/// <summary>
/// A client speaking protocol v4 on a real hub over 127.0.0.1 (PROTOCOL.md 4.8, 4.9): room and direct texts travel in
/// MLS groups its book keeps, formed from the hub's RoomInfo, tasks and Welcomes.
/// </summary>
public sealed class ChatClientGroupTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_room_text_sent_before_the_group_is_ready_waits_and_reaches_the_other_member_through_the_room_s_group()
    {
        await using LiveHub hub = await LiveHub.StartAsync("Alice", "Bob");
        var (alice, bob) = hub;
        await alice.JoinAsync("#dev");
        await bob.JoinAsync("#dev");
        await alice.Client.SendAsync("#dev", "sent at once");

        ChatMessage got = await bob.MessageAsync("sent at once").WaitAsync(s_wait);
        (got.Room, got.Direct, got.SenderIdentity, got.Sender).ShouldBe(("#dev", false, alice.Identity, "Alice"));
        var atAlice = alice.Client.GroupOf(GroupTarget.ForRoom("#dev"));
        var atBob = bob.Client.GroupOf(GroupTarget.ForRoom("#dev"));
        atAlice.Status.ShouldBe(MemberGroupStatus.Member);
        atBob.ShouldBe(atAlice, "both hold the group at the same epoch with both leaves");
        atBob.Leaves.ShouldBe(2u);
        hub.AtOperator.ShouldNotContain(m => m.Text == "sent at once");
        output.WriteLine($"#dev: {atBob.Status} at epoch {atBob.Epoch} with {atBob.Leaves} leaves");

        await bob.Client.SendAsync("#dev", "and back");
        (await alice.MessageAsync("and back").WaitAsync(s_wait)).SenderIdentity.ShouldBe(bob.Identity);
    }

    [Fact]
    public async Task A_direct_text_to_a_name_starts_the_conversation_s_group_and_reaches_only_that_person()
    {
        await using LiveHub hub = await LiveHub.StartAsync("Alice", "Bob", "Carol");
        var (alice, bob, carol) = hub;
        await Eventually.True(() => alice.Presence.Any(p => p.Name == "Bob"), "Alice to see Bob announced", s_wait);

        await alice.Client.SendDirectAsync(new Person("Bob"), "just between us");
        await alice.Client.SendDirectAsync(new Person("Bob"), "and a second");

        ChatMessage first = await bob.MessageAsync("just between us").WaitAsync(s_wait);
        await bob.MessageAsync("and a second").WaitAsync(s_wait);
        (first.Direct, first.Room, first.SenderIdentity).ShouldBe((true, (string?)null, alice.Identity));
        bob.Messages.Select(m => m.Text).Where(t => t != "just between us" && t != "and a second").ShouldBeEmpty();
        carol.Got("just between us").ShouldBeFalse();
        hub.AtOperator.ShouldNotContain(m => m.Text == "just between us");
        var conversation = bob.Client.GroupOf(GroupTarget.ForPerson(IdentityFingerprint.IdentityDigest(alice.Key.PublicKey)));
        conversation.Status.ShouldBe(MemberGroupStatus.Member);
        conversation.Leaves.ShouldBe(2u);
        output.WriteLine($"direct conversation: {conversation.Status} at epoch {conversation.Epoch}");

        await bob.Client.SendDirectAsync(new Person(first.Sender, first.SenderIdentity), "got it");
        (await alice.MessageAsync("got it").WaitAsync(s_wait)).Direct.ShouldBeTrue();
    }

    [Fact]
    public async Task The_operator_founds_the_lobby_s_group_and_chats_in_it_with_a_client_both_ways_at_once()
    {
        await using LiveHub hub = await LiveHub.StartAsync("Alice");
        LiveMember alice = hub.Members[0];
        await hub.InOneEpochAsync(ChatEndpoint.Lobby); // a text sealed before Alice is in the group is not hers to read
        await alice.Client.SendAsync(ChatEndpoint.Lobby, "hello hub");
        await hub.Server.SendAsync(ChatEndpoint.Lobby, "hello alice");

        ChatMessage atOperator = await Eventually.Value(() => hub.AtOperator.FirstOrDefault(m => m.Text == "hello hub"), "the operator to hear alice", s_wait);
        (atOperator.Room, atOperator.SenderIdentity).ShouldBe((ChatEndpoint.Lobby, alice.Identity));
        ChatMessage atAlice = await alice.MessageAsync("hello alice").WaitAsync(s_wait);
        (atAlice.Room, atAlice.Relayed, atAlice.Sender).ShouldBe((ChatEndpoint.Lobby, false, "Hub"));
        var lobby = alice.Client.GroupOf(GroupTarget.ForRoom(ChatEndpoint.Lobby));
        (lobby.Status, lobby.Leaves).ShouldBe((MemberGroupStatus.Member, 2u));
        output.WriteLine($"#lobby: {lobby.Status} at epoch {lobby.Epoch} with {lobby.Leaves} leaves");

        await hub.Server.SendDirectAsync(new Person("Alice"), "privately");
        (await alice.MessageAsync("privately").WaitAsync(s_wait)).Direct.ShouldBeTrue();
        await alice.Client.SendDirectAsync(new Person(atAlice.Sender, atAlice.SenderIdentity), "privately back");
        (await Eventually.Value(() => hub.AtOperator.FirstOrDefault(m => m.Text == "privately back"), "the operator's direct message", s_wait)).Direct.ShouldBeTrue();
    }
}
