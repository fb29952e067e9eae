using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Group;

namespace SecureChat.Engine.Tests.Mls.Group;

/// <summary>
/// What a group state keeps across epochs (RFC 9420 sections 8.6 and 9): the resumption PSKs of the last
/// <see cref="GroupState.ResumptionPsksMax"/> epochs and no more, the private keys of its own path only, and
/// nothing once disposed.
/// </summary>
public sealed class GroupStateTests
{
    [Fact]
    public void Only_the_last_sixteen_epochs_resumption_psks_are_kept_and_each_is_that_epochs()
    {
        var a = GroupMembers.NewClient("alice");
        var b = GroupMembers.NewClient("bob");
        GroupState alice = GroupCreation.Create(CipherSuite.Suite1, "room"u8.ToArray(), a.KeyPackage, a.Secrets, []);
        CommitBuilder.TryAddMembers(alice, [b.KeyPackage], GroupMembers.Now, out PendingCommit? add, out string failure).ShouldBeTrue(failure);
        alice = Advance(alice, add!);
        GroupState bob = GroupMembers.Join(add!.Welcome!, b);
        var published = new Dictionary<ulong, byte[]> { [alice.Epoch] = alice.Secrets.ResumptionPsk.ToArray() };
        for (int i = 0; i < 24; i++)
        {
            PendingCommit update = CommitBuilder.SelfUpdate(alice);
            bob = GroupMembers.Process(bob, update.Commit);
            alice = Advance(alice, update);
            published[alice.Epoch] = alice.Secrets.ResumptionPsk.ToArray();
        }

        alice.Epoch.ShouldBe(25UL);
        for (ulong epoch = 1; epoch <= alice.Epoch; epoch++)
        {
            bool kept = epoch > alice.Epoch - GroupState.ResumptionPsksMax;
            if (kept)
            {
                alice.ResumptionPsk(epoch).ShouldBe(published[epoch]);
                bob.ResumptionPsk(epoch).ShouldBe(published[epoch]);
            }
            else
            {
                alice.ResumptionPsk(epoch).ShouldBeNull();
            }
        }

        alice.NodesWithPrivateKeys.ShouldAllBe(node => node == 0 || node == 1);
        byte[] epochAuthenticator = alice.EpochAuthenticator;
        alice.Dispose();
        epochAuthenticator.ShouldAllBe(x => x == 0);
        alice.ResumptionPsk(alice.Epoch).ShouldBeNull();
        bob.Dispose();
    }

    private static GroupState Advance(GroupState current, PendingCommit pending)
    {
        GroupState next = pending.Merge();
        current.Dispose();
        return next;
    }
}
