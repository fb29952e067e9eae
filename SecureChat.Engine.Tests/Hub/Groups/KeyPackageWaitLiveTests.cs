using System.Collections.Concurrent;
using SecureChat.Engine.Groups;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Hub.Groups;

/// <summary>
/// A direct message to someone who connected a moment ago, on 127.0.0.1 (PROTOCOL.md 4.8, direct conversations): the
/// recipient's KeyPackages are held back until the sender's <c>key package</c> Request has reached the hub, as happens
/// when a person is written to right after the hub announced it.
/// </summary>
public sealed class KeyPackageWaitLiveTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_direct_text_to_someone_who_has_not_sent_key_packages_yet_reaches_them_once_they_do()
    {
        await using LiveHub hub = await LiveHub.StartAsync("Bob");
        LiveMember bob = hub.Members[0];
        var notices = new ConcurrentQueue<GroupEventNotice>();
        bob.Client.GroupChanged += notices.Enqueue;
        await using LiveGroupMember carol = await LiveGroupMember.ConnectAsync(hub.Port, "Carol", publish: false);
        await Eventually.True(() => bob.Presence.Any(p => p.Name == "Carol"), "Bob to see Carol announced");
        byte[] carolDigest = Convert.FromHexString(carol.Keys.Identity);

        await bob.Client.SendDirectAsync(new Person("Carol"), "psst");
        bob.Client.Request(new RoomRequest(RoomOp.List, string.Empty)); // answered after the key package Request on Bob's link
        await Eventually.True(() => bob.Rooms.Any(r => r.Kind == RoomNoticeKind.ListEnd), "Bob's list to be answered");

        notices.ShouldNotContain(n => n.Kind == GroupNoticeKind.NotStarted, "the hub has Bob's Request and no key package of Carol's: it is to wait");
        bob.Replies.ShouldNotContain(r => r.Code == ReplyCode.NoKeyPackage);
        bob.Client.GroupOf(GroupTarget.ForPerson(carolDigest)).Status.ShouldBe(MemberGroupStatus.AwaitingWelcome);

        await carol.SendAsync(chat => chat.Groups.SendKeyPackages([.. Enumerable.Range(0, 9).Select(_ => carol.Keys.NewKeyPackage(TimeProvider.System))], lastResort: true));

        GroupTarget withBob = GroupTarget.ForPerson(Convert.FromHexString(IdentityOf(bob)));
        await carol.UntilAsync(m => m.Count<GroupRelayRecord>(withBob) == 1);
        carol.Keys.Join(carol.Last<WelcomeRelayRecord>(withBob).Mls);
        ApplicationMessages.TryUnprotect(carol.Keys.State!, MlsMessage.Decode(carol.Last<GroupRelayRecord>(withBob).Mls), out byte[]? text, out _, out string failure).ShouldBeTrue(failure);
        System.Text.Encoding.UTF8.GetString(text!).ShouldBe("psst");
        notices.ShouldNotContain(n => n.Kind == GroupNoticeKind.NotStarted);
        output.WriteLine($"Carol read '{System.Text.Encoding.UTF8.GetString(text!)}' at epoch {carol.Keys.State!.Epoch} of the conversation with Bob");
    }

    private static string IdentityOf(LiveMember member) => Convert.ToHexString(Engine.Crypto.IdentityFingerprint.IdentityDigest(member.Key.PublicKey));
}
