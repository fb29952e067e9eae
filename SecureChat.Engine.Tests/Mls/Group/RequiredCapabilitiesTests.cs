using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Codec;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Mls.Messages;

namespace SecureChat.Engine.Tests.Mls.Group;

/// <summary>
/// A group's required_capabilities extension (RFC 9420 section 11.1): a creator lacking a required capability is a
/// caller error, a key package lacking one is refused with a reason, one having it is added.
/// </summary>
public sealed class RequiredCapabilitiesTests
{
    private const ushort PrivateExtension = 0xFF01;

    [Fact]
    public void A_key_package_without_a_required_extension_is_refused_and_one_with_it_is_added()
    {
        var alice = WithExtensionSupport(GroupMembers.NewClient("alice"));
        var bob = GroupMembers.NewClient("bob");
        var carol = WithExtensionSupport(GroupMembers.NewClient("carol"));
        Extension[] extensions = [RequiredExtension()];

        using GroupState group = GroupCreation.Create(CipherSuite.Suite1, "room"u8.ToArray(), alice.KeyPackage, alice.Secrets, extensions);
        CommitBuilder.TryAddMembers(group, [bob.KeyPackage], GroupMembers.Now, out PendingCommit? refused, out string failure).ShouldBeFalse();
        refused.ShouldBeNull();
        failure.ShouldContain($"capability the group requires (extensions {PrivateExtension}");
        TestContext.Current.TestOutputHelper?.WriteLine($"bob: {failure}");

        CommitBuilder.TryAddMembers(group, [carol.KeyPackage], GroupMembers.Now, out PendingCommit? added, out failure).ShouldBeTrue(failure);
        using GroupState joined = GroupMembers.Join(added!.Welcome!, carol);
        joined.Context.Extensions.Count.ShouldBe(1);
        added.Discard();
    }

    [Fact]
    public void Creating_a_group_whose_creator_lacks_a_required_extension_is_a_caller_error()
    {
        var alice = GroupMembers.NewClient("alice");
        Should.Throw<ArgumentException>(() => GroupCreation.Create(CipherSuite.Suite1, "room"u8.ToArray(), alice.KeyPackage, alice.Secrets, [RequiredExtension()]));
    }

    private static Extension RequiredExtension() => new(
        ExtensionType.RequiredCapabilities,
        MlsWriter.Encode(w =>
        {
            w.Vector([PrivateExtension], static (v, t) => v.U16(t));
            w.Vector(Array.Empty<ushort>(), static (v, t) => v.U16(t));
            w.Vector([(ushort)CredentialType.Basic], static (v, t) => v.U16(t));
        }));

    private static (KeyPackage KeyPackage, KeyPackageSecrets Secrets) WithExtensionSupport((KeyPackage KeyPackage, KeyPackageSecrets Secrets) client)
    {
        CipherSuite suite = CipherSuite.Suite1;
        LeafNode leaf = client.KeyPackage.LeafNode;
        Capabilities caps = leaf.Capabilities with { Extensions = [PrivateExtension] };
        LeafNode resigned = (leaf with { Capabilities = caps }).Signed(suite, client.Secrets.SignaturePrivateKey, null, 0);
        KeyPackage keyPackage = (client.KeyPackage with { LeafNode = resigned }).Signed(suite, client.Secrets.SignaturePrivateKey);
        return (keyPackage, client.Secrets);
    }
}
