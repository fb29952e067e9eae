using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Codec;
using SecureChat.Engine.Mls.Messages;

namespace SecureChat.Engine.Hub.Groups;

/// <summary>
/// What the hub reads of a GroupCommit without any key (PROTOCOL.md 4.8): the commit's <c>group_id</c>, <c>epoch</c>
/// and sender leaf, its Removes (leaf indices) and Adds (KeyPackageRefs), and the <c>new_member</c> of each of its
/// Welcome's EncryptedGroupSecrets. <see cref="TryRead"/> refuses everything that is not a PublicMessage commit from a
/// member with proposals by value, only Adds and Removes, and a Welcome present exactly when there are Adds. Nothing is
/// verified: no signature, membership tag, confirmation tag or path (members check those). Immutable.
/// </summary>
internal sealed record ParsedCommit(byte[] GroupId, ulong Epoch, uint SenderLeaf, IReadOnlyList<uint> Removes, IReadOnlyList<byte[]> Adds, IReadOnlyList<byte[]> WelcomeMembers)
{
    public static bool TryRead(ReadOnlySpan<byte> commit, ReadOnlySpan<byte> welcome, out ParsedCommit? parsed, out string failure)
    {
        parsed = null;
        MlsMessage message;
        MlsMessage? welcomeMessage = null;
        try
        {
            message = MlsMessage.Decode(commit);
            if (!welcome.IsEmpty)
            {
                welcomeMessage = MlsMessage.Decode(welcome);
            }
        }
        catch (MlsFormatException e)
        {
            failure = $"the commit or its welcome does not decode ({e.Message})";
            return false;
        }

        if (message.PublicMessage is not { } publicMessage)
        {
            failure = $"the commit is a {message.WireFormat}, not a public message";
            return false;
        }

        FramedContent content = publicMessage.Content;
        if (content.Commit is not { } body || content.Sender.Type != SenderType.Member)
        {
            failure = "the message is not a commit by a member";
            return false;
        }

        List<uint> removes = [];
        List<byte[]> adds = [];
        foreach (ProposalOrRef item in body.Proposals)
        {
            switch (item.Proposal)
            {
                case null:
                    failure = "the commit names a proposal by reference";
                    return false;
                case RemoveProposal remove:
                    removes.Add(remove.Removed);
                    break;
                case AddProposal add:
                    adds.Add(add.KeyPackage.Reference(CipherSuite.Suite1));
                    break;
                default:
                    failure = $"the commit holds a {item.Proposal.Type} proposal";
                    return false;
            }
        }

        List<byte[]> welcomed = [];
        if (welcomeMessage is not null)
        {
            if (welcomeMessage.Welcome is not { } w)
            {
                failure = $"the welcome is a {welcomeMessage.WireFormat}";
                return false;
            }

            welcomed.AddRange(w.Secrets.Select(s => s.NewMember));
        }

        if ((welcomeMessage is null) != (adds.Count == 0))
        {
            failure = adds.Count == 0 ? "a commit without adds comes with a welcome" : "a commit with adds comes without a welcome";
            return false;
        }

        parsed = new ParsedCommit(content.GroupId, content.Epoch, content.Sender.Index, removes, adds, welcomed);
        failure = string.Empty;
        return true;
    }
}
