using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Codec;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Mls.Messages;

namespace SecureChat.Engine.Tests.Mls.Group;

/// <summary>Test clients of an MLS group built with the project's own code only, and a forger with a member's keys.</summary>
internal static class GroupMembers
{
    public static readonly ulong Now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public static (KeyPackage KeyPackage, KeyPackageSecrets Secrets) NewClient(string name)
    {
        CipherSuite suite = CipherSuite.Suite1;
        (byte[] signaturePrivate, _) = suite.GenerateSignatureKeyPair();
        return KeyPackageFactory.Create(suite, System.Text.Encoding.UTF8.GetBytes(name), signaturePrivate, Now);
    }

    /// <summary>A group "room" that the first named client creates and adds the others to in one commit: the members' states, in that order.</summary>
    public static GroupState[] NewGroup(params string[] names)
    {
        var clients = names.Select(NewClient).ToArray();
        GroupState creator = GroupCreation.Create(CipherSuite.Suite1, "room"u8.ToArray(), clients[0].KeyPackage, clients[0].Secrets, []);
        CommitBuilder.TryAddMembers(creator, [.. clients.Skip(1).Select(c => c.KeyPackage)], Now, out PendingCommit? add, out string failure).ShouldBeTrue(failure);
        GroupState merged = add!.Merge();
        creator.Dispose();
        return [merged, .. clients.Skip(1).Select(c => Join(add.Welcome!, c))];
    }

    public static GroupState Join(Welcome welcome, (KeyPackage KeyPackage, KeyPackageSecrets Secrets) client)
    {
        WelcomeJoin.TryJoin(CipherSuite.Suite1, welcome, client.KeyPackage, client.Secrets, null, _ => null, out GroupState? state, out string failure)
            .ShouldBeTrue(failure);
        return state!;
    }

    public static GroupState Process(GroupState state, MlsMessage commit)
    {
        CommitProcessor.TryProcess(state, commit, _ => null, Now, out GroupState? next, out string failure).ShouldBeTrue(failure);
        state.Dispose();
        return next!;
    }

    /// <summary>
    /// What a member of <paramref name="epochState"/> (an insider) can send: <paramref name="content"/> with any
    /// signature and confirmation tag, under a valid membership tag of the epoch.
    /// </summary>
    public static MlsMessage Forge(GroupState epochState, FramedContent content, byte[] signature, byte[]? confirmationTag)
    {
        CipherSuite suite = epochState.Suite;
        byte[] tbs = new FramedContentTbs(WireFormat.PublicMessage, content, epochState.Context).Encode();
        var auth = new FramedContentAuthData(signature, confirmationTag);
        var tbm = new MlsWriter();
        tbm.Raw(tbs);
        auth.Write(tbm);
        return MlsMessage.Of(new PublicMessage(content, auth, suite.Mac(epochState.Secrets.MembershipKey, tbm.ToArray())));
    }

    /// <summary>A signature by the member of <paramref name="signer"/> over <paramref name="content"/> in its epoch.</summary>
    public static byte[] Sign(GroupState signer, FramedContent content) =>
        signer.Suite.SignWithLabel(
            signer.SignaturePrivateKey,
            FramedContentTbs.SignatureLabel,
            new FramedContentTbs(WireFormat.PublicMessage, content, signer.Context).Encode());
}
