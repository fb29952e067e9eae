using Microsoft.Extensions.Time.Testing;
using SecureChat.Engine.Hub.Groups;
using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Mls.Messages;

namespace SecureChat.Engine.Tests.Hub.Groups;

/// <summary>The hub's checks on an offered key package (PROTOCOL.md 4.8): each one refuses what it is for.</summary>
public sealed class KeyPackageCheckTests
{
    private static readonly CipherSuite Suite = CipherSuite.Suite1;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly DsMember _alice = new("Alice");

    private ulong Now => DsMember.Now(_time);

    private KeyPackage Fresh() => KeyPackageFactory.Create(Suite, _alice.PublicKey, _alice.SignaturePrivateKey, Now).KeyPackage;

    /// <summary>The package with its leaf changed, both re-signed with Alice's key (so only the changed rule can refuse it).</summary>
    private KeyPackage Resigned(KeyPackage keyPackage, Func<LeafNode, LeafNode> change) =>
        (keyPackage with { LeafNode = change(keyPackage.LeafNode).Signed(Suite, _alice.SignaturePrivateKey, null, 0) }).Signed(Suite, _alice.SignaturePrivateKey);

    private string Refusal(byte[] message)
    {
        KeyPackageCheck.TryCheck(message, _alice.PublicKey, Now, out StoredKeyPackage? kept, out string failure).ShouldBeFalse();
        kept.ShouldBeNull();
        return failure;
    }

    private string Refusal(KeyPackage keyPackage) => Refusal(MlsMessage.Of(keyPackage).Encode());

    [Fact]
    public void A_key_package_of_the_link_s_identity_is_kept_with_its_reference()
    {
        KeyPackage keyPackage = Fresh();
        byte[] message = MlsMessage.Of(keyPackage).Encode();

        KeyPackageCheck.TryCheck(message, _alice.PublicKey, Now, out StoredKeyPackage? kept, out string failure).ShouldBeTrue(failure);

        kept!.Message.ShouldBe(message);
        kept.Reference.ShouldBe(keyPackage.Reference(Suite));
    }

    [Fact]
    public void A_key_package_of_another_identity_is_refused()
    {
        var mallory = new DsMember("Mallory");
        KeyPackage theirs = KeyPackageFactory.Create(Suite, mallory.PublicKey, mallory.SignaturePrivateKey, Now).KeyPackage;

        Refusal(theirs).ShouldContain("identity key");
    }

    [Fact]
    public void A_credential_naming_another_identity_over_the_link_s_signature_key_is_refused()
    {
        var mallory = new DsMember("Mallory");

        Refusal(Resigned(Fresh(), leaf => leaf with { Credential = Credential.Basic(mallory.PublicKey) })).ShouldContain("identity key");
    }

    [Fact]
    public void A_key_package_whose_signature_was_altered_is_refused()
    {
        KeyPackage keyPackage = Fresh();
        byte[] signature = keyPackage.Signature.ToArray();
        signature[0] ^= 1;

        Refusal(keyPackage with { Signature = signature }).ShouldContain("signature");
    }

    [Fact]
    public void A_key_package_whose_leaf_signature_was_altered_is_refused()
    {
        KeyPackage keyPackage = Fresh();
        byte[] signature = keyPackage.LeafNode.Signature.ToArray();
        signature[0] ^= 1;

        Refusal((keyPackage with { LeafNode = keyPackage.LeafNode with { Signature = signature } }).Signed(Suite, _alice.SignaturePrivateKey)).ShouldContain("signature");
    }

    [Fact]
    public void A_key_package_whose_lifetime_is_over_is_refused()
    {
        byte[] message = MlsMessage.Of(Fresh()).Encode();
        _time.Advance(TimeSpan.FromSeconds(KeyPackageFactory.LifetimeSeconds + 1));

        Refusal(message).ShouldContain("lifetime");
    }

    [Fact]
    public void A_key_package_whose_init_key_is_its_leaf_s_encryption_key_is_refused()
    {
        KeyPackage keyPackage = Fresh();

        Refusal((keyPackage with { InitKey = keyPackage.LeafNode.EncryptionKey }).Signed(Suite, _alice.SignaturePrivateKey)).ShouldContain("init key");
    }

    [Fact]
    public void A_key_package_of_another_cipher_suite_is_refused()
    {
        Refusal((Fresh() with { CipherSuite = 2 }).Signed(Suite, _alice.SignaturePrivateKey)).ShouldContain("cipher suite");
    }

    [Fact]
    public void Another_wire_format_or_bytes_after_the_key_package_are_refused()
    {
        byte[] message = MlsMessage.Of(Fresh()).Encode();

        Refusal([.. message, 0]).ShouldContain("decode");
        Refusal(message[..^1]).ShouldContain("decode");
        _alice.Found(new byte[16], _time);
        Refusal(_alice.Message("hi")).ShouldContain("not a key package");
    }
}
