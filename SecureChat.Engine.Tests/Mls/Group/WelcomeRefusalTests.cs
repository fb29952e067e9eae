using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Mls.Schedule;
using SecureChat.Engine.Mls.Tree;

namespace SecureChat.Engine.Tests.Mls.Group;

/// <summary>
/// Welcomes a joiner must refuse (RFC 9420 section 12.4.3.1), built the way a delivery service or a lying committer
/// could: the GroupInfo re-encrypted under the real welcome key with one thing changed (signature, confirmation tag,
/// tree, signer), a PSK the joiner lacks, another cipher suite. Each is refused with one reason and no state.
/// </summary>
public sealed class WelcomeRefusalTests : IDisposable
{
    private readonly (KeyPackage KeyPackage, KeyPackageSecrets Secrets) _bob = GroupMembers.NewClient("bob");
    private readonly GroupState _alice;
    private readonly PendingCommit _add;

    public WelcomeRefusalTests()
    {
        var a = GroupMembers.NewClient("alice");
        _alice = GroupCreation.Create(CipherSuite.Suite1, "room"u8.ToArray(), a.KeyPackage, a.Secrets, []);
        var carol = GroupMembers.NewClient("carol");
        CommitBuilder.TryAddMembers(_alice, [carol.KeyPackage, _bob.KeyPackage], GroupMembers.Now, out PendingCommit? add, out string failure).ShouldBeTrue(failure);
        _add = add!;
    }

    [Fact]
    public void The_genuine_welcome_joins()
    {
        using GroupState bob = GroupMembers.Join(_add.Welcome!, _bob);
        using GroupState alice = _add.Merge();
        bob.EpochAuthenticator.ShouldBe(alice.EpochAuthenticator);
    }

    [Fact]
    public void A_group_info_with_an_altered_signature_is_refused()
    {
        Refused(Reseal(info => info with { Signature = Flip(info.Signature) }), "signature");
    }

    [Fact]
    public void A_group_info_with_an_altered_confirmation_tag_is_refused()
    {
        Refused(Reseal(info => (info with { ConfirmationTag = Flip(info.ConfirmationTag) }).Signed(CipherSuite.Suite1, _alice.SignaturePrivateKey)), "confirmation tag");
    }

    [Fact]
    public void A_group_info_signed_by_the_committer_over_another_tree_is_refused()
    {
        Refused(Reseal(info =>
        {
            RatchetTree tree = RatchetTreeCodec.Decode(Extensions.Find(info.Extensions, ExtensionType.RatchetTree)!.Data);
            tree.RemoveLeaf(1);
            var forged = new Extension(ExtensionType.RatchetTree, RatchetTreeCodec.Encode(tree));
            return (info with { Extensions = [forged] }).Signed(CipherSuite.Suite1, _alice.SignaturePrivateKey);
        }), "tree hash");
    }

    [Fact]
    public void A_group_info_naming_a_signer_outside_the_tree_is_refused()
    {
        Refused(Reseal(info => (info with { Signer = 7 }).Signed(CipherSuite.Suite1, _alice.SignaturePrivateKey)), "not a member");
    }

    [Fact]
    public void A_group_info_without_a_tree_is_refused_when_none_is_given()
    {
        Refused(Reseal(info => (info with { Extensions = [] }).Signed(CipherSuite.Suite1, _alice.SignaturePrivateKey)), "no ratchet tree");
    }

    [Fact]
    public void A_welcome_whose_path_secret_does_not_give_the_trees_keys_is_refused()
    {
        Refused(Reseal(info => info, secrets => secrets with { PathSecret = new PathSecret(new byte[32]) }), "path secret");
    }

    [Fact]
    public void A_welcome_for_another_cipher_suite_is_refused()
    {
        Refused(_add.Welcome! with { CipherSuite = 3 }, "cipher suite");
    }

    public void Dispose()
    {
        _add.Discard();
        _alice.Dispose();
    }

    private static byte[] Flip(byte[] bytes)
    {
        byte[] copy = bytes.ToArray();
        copy[^1] ^= 1;
        return copy;
    }

    /// <summary>The Welcome with its GroupInfo changed and re-encrypted under the real welcome key, the secrets resealed to bob.</summary>
    private Welcome Reseal(Func<GroupInfo, GroupInfo> alter, Func<GroupSecrets, GroupSecrets>? alterSecrets = null)
    {
        CipherSuite suite = CipherSuite.Suite1;
        Welcome welcome = _add.Welcome!;
        WelcomeJoin.TryOpen(suite, welcome, _bob.KeyPackage, _bob.Secrets.InitPrivateKey, _ => null, out OpenedWelcome? opened, out string failure).ShouldBeTrue(failure);
        using EpochSecrets epoch = opened!.Epoch;
        byte[] memberPrk = suite.Extract(opened.Secrets.JoinerSecret, PskSecret.None(suite));
        (byte[] key, byte[] nonce) = EpochKeySchedule.WelcomeKeyAndNonce(suite, suite.DeriveSecret(memberPrk, "welcome"));
        byte[] encryptedInfo = suite.Seal(key, nonce, [], alter(opened.GroupInfo).Encode());
        (byte[] kem, byte[] ciphertext) = suite.EncryptWithLabel(_bob.KeyPackage.InitKey, "Welcome", encryptedInfo, (alterSecrets ?? (x => x))(opened.Secrets).Encode());
        return new Welcome(suite.Id, [new EncryptedGroupSecrets(_bob.KeyPackage.Reference(suite), new HpkeCiphertext(kem, ciphertext))], encryptedInfo);
    }

    private void Refused(Welcome welcome, string reason)
    {
        WelcomeJoin.TryJoin(CipherSuite.Suite1, welcome, _bob.KeyPackage, _bob.Secrets, null, _ => null, out GroupState? state, out string failure).ShouldBeFalse();
        state.ShouldBeNull();
        failure.ShouldContain(reason);
        TestContext.Current.TestOutputHelper?.WriteLine($"refused: {failure}");
    }
}
