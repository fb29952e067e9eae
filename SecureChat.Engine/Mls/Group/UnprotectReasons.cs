using SecureChat.Engine.Mls.Framing;

namespace SecureChat.Engine.Mls.Group;

/// <summary>
/// Plain one-line reasons for a refused PublicMessage or PrivateMessage (RFC 9420 sections 6.1-6.3), for the member's
/// user; they say nothing a peer could use beyond what the refusal itself shows. Stateless and thread-safe.
/// </summary>
internal static class UnprotectReasons
{
    public static string Describe(UnprotectFailure reason, ulong messageEpoch, ulong epoch) => reason switch
    {
        UnprotectFailure.WrongGroup => "the message is for another group",
        UnprotectFailure.WrongEpoch => $"the message is from epoch {messageEpoch}, the group is at epoch {epoch}",
        UnprotectFailure.NotAllowed => "the sender may not send this kind of content in the clear",
        UnprotectFailure.BadMembershipTag => "the membership tag does not match (the message was not sent by a member of this epoch)",
        UnprotectFailure.KeyUnavailable => "no key for the message: its sender is not a member, or it was already read, or it is too far ahead",
        UnprotectFailure.BadSignature => "the sender's signature does not verify",
        UnprotectFailure.UnknownSender => "the sender is not a member",
        UnprotectFailure.Malformed => "the message is malformed",
        _ => "the message does not decrypt (altered in transit, or not for this epoch's members)",
    };
}
