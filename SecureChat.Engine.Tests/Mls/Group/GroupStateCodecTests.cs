using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Mls.Messages;

namespace SecureChat.Engine.Tests.Mls.Group;

/// <summary>
/// A member's group state written and read back (<see cref="GroupStateCodec"/>): the restored member reads and
/// sends as before, keys it used stay used (a replay is refused), and damaged or foreign bytes are refused with one
/// reason, never an exception.
/// </summary>
public sealed class GroupStateCodecTests(ITestOutputHelper output)
{
    [Fact]
    public void A_restored_state_reads_new_messages_refuses_a_replay_sends_and_follows_a_commit()
    {
        GroupState[] members = GroupMembers.NewGroup("alice", "bob");
        GroupState alice = members[0];
        GroupState bob = members[1];
        MlsMessage first = ApplicationMessages.Protect(alice, "first"u8, []);
        ApplicationMessages.TryUnprotect(bob, first, out _, out _, out string failure).ShouldBeTrue(failure);

        byte[] stored = GroupStateCodec.Encode(bob);
        output.WriteLine($"a two-member state: {stored.Length} bytes");
        GroupStateCodec.TryDecode(stored, out GroupState? restored, out failure).ShouldBeTrue(failure);
        bob.Dispose();

        restored.Epoch.ShouldBe(1UL);
        restored.EpochAuthenticator.ShouldBe(alice.EpochAuthenticator);
        ApplicationMessages.TryUnprotect(restored, first, out _, out _, out _).ShouldBeFalse();
        MlsMessage second = ApplicationMessages.Protect(alice, "second"u8, []);
        ApplicationMessages.TryUnprotect(restored, second, out byte[]? text, out _, out failure).ShouldBeTrue(failure);
        text.ShouldBe("second"u8.ToArray());
        MlsMessage reply = ApplicationMessages.Protect(restored, "reply"u8, []);
        ApplicationMessages.TryUnprotect(alice, reply, out text, out _, out failure).ShouldBeTrue(failure);
        text.ShouldBe("reply"u8.ToArray());

        PendingCommit update = CommitBuilder.SelfUpdate(alice);
        GroupState next = GroupMembers.Process(restored, update.Commit);
        next.EpochAuthenticator.ShouldBe(update.Merge().EpochAuthenticator);
    }

    [Fact]
    public void Empty_foreign_truncated_or_altered_bytes_are_refused_with_a_reason_and_never_throw()
    {
        GroupState[] members = GroupMembers.NewGroup("alice", "bob", "carol");
        byte[] stored = GroupStateCodec.Encode(members[1]);
        var reasons = new HashSet<string>();

        GroupStateCodec.TryDecode([], out _, out string failure).ShouldBeFalse();
        reasons.Add(failure);
        byte[] otherVersion = stored.ToArray();
        otherVersion[0] = 2;
        GroupStateCodec.TryDecode(otherVersion, out _, out failure).ShouldBeFalse();
        failure.ShouldBe("the stored group state has version 2, not 1");

        int refused = 0;
        for (int length = 1; length < stored.Length; length += 7)
        {
            GroupStateCodec.TryDecode(stored.AsSpan(0, length), out _, out failure).ShouldBeFalse();
            reasons.Add(failure);
            refused++;
        }

        for (int i = 1; i < stored.Length; i += 13)
        {
            byte[] altered = stored.ToArray();
            altered[i] ^= 0x80;
            if (!GroupStateCodec.TryDecode(altered, out GroupState? state, out failure))
            {
                reasons.Add(failure);
                refused++;
            }
            else
            {
                state.Dispose();
            }
        }

        output.WriteLine($"{refused} damaged copies refused, {reasons.Count} distinct reasons, e.g. {reasons.First()}");
        GroupStateCodec.TryDecode([.. stored, 0], out _, out _).ShouldBeFalse();
        reasons.ShouldAllBe(r => r.StartsWith("the stored group state"));
    }
}
