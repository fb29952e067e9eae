using SecureChat.Engine.Mls.Messages;

namespace SecureChat.Engine.Mls.Group;

/// <summary>
/// Reading a PublicMessage from a member of the current epoch (RFC 9420 sections 6.1 and 6.2): the group id and
/// epoch are this state's, the sender is a member, the membership tag is
/// MAC(membership_key, FramedContentTBS || FramedContentAuthData) (checked first, in fixed time, so that an outsider
/// cannot make a member verify signatures), and the signature verifies under the sender's leaf over
/// FramedContentTBS with the epoch's GroupContext. Bytes from the network never make it throw. Stateless and
/// thread-safe (the state must not change during a call).
/// </summary>
internal static class PublicMessageVerifier
{
    public static bool TryVerify(GroupState state, PublicMessage message, out AuthenticatedContent? content, out string failure)
    {
        content = null;
        FramedContent framed = message.Content;
        if (!framed.GroupId.AsSpan().SequenceEqual(state.GroupId))
        {
            failure = "the message is for another group";
            return false;
        }

        if (framed.Epoch != state.Epoch)
        {
            failure = $"the message is for epoch {framed.Epoch}, the group is at epoch {state.Epoch}";
            return false;
        }

        if (framed.Sender.Type != SenderType.Member)
        {
            failure = $"a public message from a {framed.Sender.Type} sender is not accepted";
            return false;
        }

        if (state.Tree.GetLeaf(framed.Sender.Index) is not { } senderLeaf)
        {
            failure = $"the sender, leaf {framed.Sender.Index}, is not a member";
            return false;
        }

        var tbs = new FramedContentTbs(WireFormat.PublicMessage, framed, state.Context);
        byte[] tbsBytes = tbs.Encode();
        var tbm = new Codec.MlsWriter(tbsBytes.Length + 128);
        tbm.Raw(tbsBytes);
        message.Auth.Write(tbm);
        byte[] expectedTag = state.Suite.Mac(state.Secrets.MembershipKey, tbm.ToArray());
        if (!System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(expectedTag, message.MembershipTag))
        {
            failure = "the membership tag does not match (the message was not sent by a member of this epoch)";
            return false;
        }

        if (!state.Suite.VerifyWithLabel(senderLeaf.SignatureKey, FramedContentTbs.SignatureLabel, tbsBytes, message.Auth.Signature))
        {
            failure = $"the signature of leaf {framed.Sender.Index} does not verify";
            return false;
        }

        content = new AuthenticatedContent(WireFormat.PublicMessage, framed, message.Auth);
        failure = "";
        return true;
    }
}
