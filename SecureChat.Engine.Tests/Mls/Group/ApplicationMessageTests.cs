using System.Text;
using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Mls.Messages;

namespace SecureChat.Engine.Tests.Mls.Group;

/// <summary>
/// Application messages of a three-member group as PrivateMessages (RFC 9420 sections 6.3, 9): each member's text
/// is read by the others with its sender; a replay, an altered byte and a message from before a commit are refused;
/// a removed member cannot read what follows its removal.
/// </summary>
public sealed class ApplicationMessageTests
{
    [Fact]
    public void Each_member_reads_the_others_and_a_removed_member_reads_nothing_sent_after_its_removal()
    {
        GroupState[] group = GroupMembers.NewGroup("alice", "bob", "carol");
        (GroupState alice, GroupState bob, GroupState carol) = (group[0], group[1], group[2]);
        string failure;
        GroupState[] members = [alice, bob, carol];

        foreach (GroupState sender in members)
        {
            string text = $"hello from leaf {sender.OwnLeaf}";
            MlsMessage message = ApplicationMessages.Protect(sender, Encoding.UTF8.GetBytes(text));
            foreach (GroupState reader in members.Where(m => m != sender))
            {
                ApplicationMessages.TryUnprotect(reader, message, out byte[]? plaintext, out uint from, out failure).ShouldBeTrue(failure);
                Encoding.UTF8.GetString(plaintext).ShouldBe(text);
                from.ShouldBe(sender.OwnLeaf);
            }
        }

        MlsMessage hello = ApplicationMessages.Protect(alice, "once"u8);
        ApplicationMessages.TryUnprotect(bob, hello, out _, out _, out failure).ShouldBeTrue(failure);
        ApplicationMessages.TryUnprotect(bob, hello, out _, out _, out failure).ShouldBeFalse();
        TestContext.Current.TestOutputHelper?.WriteLine($"replayed: {failure}");

        byte[] wire = ApplicationMessages.Protect(alice, "altered"u8).Encode();
        wire[^3] ^= 1;
        ApplicationMessages.TryUnprotect(bob, MlsMessage.Decode(wire), out _, out _, out failure).ShouldBeFalse();
        TestContext.Current.TestOutputHelper?.WriteLine($"altered: {failure}");
        ApplicationMessages.TryUnprotect(carol, MlsMessage.Decode(wire), out _, out _, out _).ShouldBeFalse();

        MlsMessage beforeRemoval = ApplicationMessages.Protect(alice, "before"u8);
        CommitBuilder.TryRemoveMembers(alice, [carol.OwnLeaf], out PendingCommit? remove, out failure).ShouldBeTrue(failure);
        bob = GroupMembers.Process(bob, remove!.Commit);
        GroupState old = alice;
        alice = remove.Merge();
        old.Dispose();
        ApplicationMessages.TryUnprotect(bob, beforeRemoval, out _, out _, out failure).ShouldBeFalse();
        failure.ShouldContain("epoch");

        MlsMessage secret = ApplicationMessages.Protect(alice, "carol is gone"u8);
        ApplicationMessages.TryUnprotect(bob, secret, out byte[]? read, out _, out failure).ShouldBeTrue(failure);
        Encoding.UTF8.GetString(read).ShouldBe("carol is gone");
        ApplicationMessages.TryUnprotect(carol, secret, out _, out _, out failure).ShouldBeFalse();
        TestContext.Current.TestOutputHelper?.WriteLine($"carol after removal: {failure}");

        var relabelled = secret.PrivateMessage! with { Epoch = carol.Epoch };
        ApplicationMessages.TryUnprotect(carol, MlsMessage.Of(relabelled), out _, out _, out failure).ShouldBeFalse();
        TestContext.Current.TestOutputHelper?.WriteLine($"carol, the message relabelled with her epoch: {failure}");

        int length = ApplicationMessages.Protect(alice, "x"u8).PrivateMessage!.Ciphertext.Length;
        ApplicationMessages.Protect(alice, "xx"u8).PrivateMessage!.Ciphertext.Length.ShouldBe(length);
        TestContext.Current.TestOutputHelper?.WriteLine($"a 1-byte and a 2-byte text both give {length} ciphertext bytes");

        alice.Dispose();
        bob.Dispose();
        carol.Dispose();
    }
}
