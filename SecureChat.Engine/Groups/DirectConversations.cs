using System.Security.Cryptography;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Groups;

/// <summary>
/// Starting a direct conversation (PROTOCOL.md 4.8, "Direct conversations"): the person's key package from the hub
/// must carry that person's identity; the group gets a random id at epoch 0 and one commit adds the person, with its
/// Welcome, to <c>0 || digest</c>. When no key package comes, the texts waiting for the conversation are told as not
/// sent. Not thread-safe (the book's caller serialises).
/// </summary>
internal sealed class DirectConversations(GroupBook book)
{
    private const int GroupIdSize = 16;

    /// <summary>KeyPackageRelay: creates the direct conversation's group and adds the person (PROTOCOL.md 4.8).</summary>
    public void Relayed(KeyPackageRelayRecord record)
    {
        MemberGroup group = book.Get(GroupTarget.ForPerson(record.Digest));
        group.KeyPackageRequested = false;
        if (group.State is not null || group.CommitsOutstanding > 0)
        {
            return;
        }

        string failure;
        if (!GroupBook.TryDecode(record.Mls, out MlsMessage? message) || message.KeyPackage is not { } keyPackage)
        {
            failure = "it is not a key package";
        }
        else if (TreeIdentities.DigestOf(keyPackage.LeafNode) is not { } digest || !digest.AsSpan().SequenceEqual(record.Digest))
        {
            failure = "the key package is not that person's";
        }
        else
        {
            GroupState state = book.CreateAlone(RandomNumberGenerator.GetBytes(GroupIdSize));
            if (CommitBuilder.TryAddMembers(state, [keyPackage], book.Now, out PendingCommit? pending, out failure))
            {
                group.State = state;
                group.HadState = true;
                group.LastUpdate = book.Time.GetUtcNow();
                group.Pending = pending;
                group.PendingCreates = true;
                group.CommitsOutstanding++;
                book.Outbox.SendCommit(new GroupCommitRecord(group.Target, pending!.Commit.Encode(), MlsMessage.Of(pending.Welcome!).Encode()));
                return;
            }

            state.Dispose();
        }

        NotStarted(group, $"{record.Name}'s key package was refused: {failure}");
    }

    /// <summary>Reply <c>no such name</c>, <c>not connected</c> or <c>no key package</c> to a <c>key package</c> Request.</summary>
    public void Unavailable(byte[] digest, string reason)
    {
        if (book.Find(GroupTarget.ForPerson(digest)) is { KeyPackageRequested: true } group)
        {
            group.KeyPackageRequested = false;
            NotStarted(group, reason);
        }
    }

    private void NotStarted(MemberGroup group, string reason)
    {
        int unsent = group.Outgoing.Count;
        group.Outgoing.Clear();
        group.Resends.Clear();
        book.Raise(new GroupNotice(group.Target, GroupNoticeKind.NotStarted, $"could not start the conversation: {reason}; {unsent} message(s) not sent", Subject: group.Target.Digest));
    }
}
