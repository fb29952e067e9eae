using SecureChat.Engine.Groups;
using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Tests.Groups;

/// <summary>A member's key packages (PROTOCOL.md 4.8): 8 and a last resort per secure link, under the identity key, more when the hub runs low.</summary>
public sealed class GroupBookKeyPackageTests
{
    [Fact]
    public void A_secured_link_gets_eight_key_packages_and_a_last_resort_one_signed_by_the_identity_key()
    {
        using var alice = new BookMember("alice", new GroupClock());
        alice.Book.LinkSecured();

        KeyPackagesRecord record = alice.TakeOne<KeyPackagesRecord>();
        record.LastResort.ShouldBeTrue();
        record.KeyPackages.Count.ShouldBe(9);
        foreach (byte[] encoded in record.KeyPackages)
        {
            KeyPackage keyPackage = MlsMessage.Decode(encoded).KeyPackage.ShouldNotBeNull();
            keyPackage.CipherSuite.ShouldBe(CipherSuite.Suite1.Id);
            keyPackage.LeafNode.Credential.Type.ShouldBe(CredentialType.Basic);
            keyPackage.LeafNode.Credential.Identity.ShouldBe(alice.PublicKey);
            keyPackage.LeafNode.SignatureKey.ShouldBe(alice.PublicKey);
            keyPackage.VerifySignature(CipherSuite.Suite1).ShouldBeTrue();
            keyPackage.InitKey.ShouldNotBe(keyPackage.LeafNode.EncryptionKey);
        }

        record.KeyPackages.Select(Convert.ToHexString).Distinct().Count().ShouldBe(9);
        alice.Book.KeyPackages.Kept.Count.ShouldBe(9);
        alice.Book.KeyPackages.Kept.Count(k => k.LastResort).ShouldBe(1);
    }

    [Fact]
    public void Few_key_packages_at_the_hub_brings_one_time_ones_up_to_eight_and_the_kept_secrets_stay_bounded()
    {
        using var alice = new BookMember("alice", new GroupClock());
        alice.Book.LinkSecured();
        alice.Take<KeyPackagesRecord>();

        alice.Book.FewKeyPackages(2);
        KeyPackagesRecord more = alice.TakeOne<KeyPackagesRecord>();
        more.LastResort.ShouldBeFalse();
        more.KeyPackages.Count.ShouldBe(6);

        for (int i = 0; i < 20; i++)
        {
            alice.Book.LinkSecured();
        }

        alice.Book.KeyPackages.Kept.Count(k => !k.LastResort).ShouldBe(OwnKeyPackages.OneTimeKeptMax);
        alice.Book.KeyPackages.Kept.Count(k => k.LastResort).ShouldBe(OwnKeyPackages.LastResortKeptMax);
    }

    [Fact]
    public void A_one_time_key_package_is_forgotten_once_a_welcome_used_it_and_the_last_resort_is_kept()
    {
        using var hub = new HandHub();
        BookMember alice = hub.Connect("alice");
        BookMember bob = hub.Connect("bob");
        int before = bob.Book.KeyPackages.Kept.Count;

        HandHub.Room("#room", alice, bob);

        bob.Book.KeyPackages.Kept.Count.ShouldBe(before - 1);
        bob.Book.KeyPackages.Kept.Count(k => k.LastResort).ShouldBe(1);
    }
}
