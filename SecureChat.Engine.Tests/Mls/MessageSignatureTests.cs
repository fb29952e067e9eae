using System.Text.Json;
using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Mls;

/// <summary>
/// The signatures of leaf nodes (LeafNodeTBS, RFC 9420 section 7.2), key packages (KeyPackageTBS, section 10) and
/// group infos (GroupInfoTBS, section 12.4.3): a published key package verifies; what is signed verifies and any
/// change to the signed bytes, the group, the leaf index or the key makes it fail.
/// </summary>
public sealed class MessageSignatureTests
{
    private static readonly CipherSuite s_suite = CipherSuite.Suite1;

    [Fact]
    public void The_published_suite_1_key_package_and_its_leaf_node_verify_and_fail_once_altered()
    {
        using JsonDocument doc = VectorFiles.RequireJson("mls/welcome.json", "a published MLS key package");
        int verified = 0;
        foreach (JsonElement test in doc.RootElement.EnumerateArray().Where(t => t.GetProperty("cipher_suite").GetInt32() == 1))
        {
            KeyPackage package = MlsMessage.Decode(Hex.Bytes(test.GetProperty("key_package").GetString()!)).KeyPackage!;
            package.VerifySignature(s_suite).ShouldBeTrue();
            package.LeafNode.VerifySignature(s_suite, null, 0).ShouldBeTrue();
            package.Reference(s_suite).Length.ShouldBe(s_suite.HashLength);

            (package with { InitKey = Flip(package.InitKey) }).VerifySignature(s_suite).ShouldBeFalse();
            (package with { Signature = Flip(package.Signature) }).VerifySignature(s_suite).ShouldBeFalse();
            (package.LeafNode with { EncryptionKey = Flip(package.LeafNode.EncryptionKey) }).VerifySignature(s_suite, null, 0).ShouldBeFalse();
            verified++;
        }

        VectorFiles.Report($"welcome.json: {verified} suite-1 key packages verified");
        verified.ShouldBeGreaterThan(0);
    }

    [Fact]
    public void A_key_package_signed_here_verifies_and_its_reference_changes_with_any_byte()
    {
        (byte[] priv, byte[] pub) = s_suite.GenerateSignatureKeyPair();
        LeafNode leaf = NewLeaf(pub, LeafNodeSource.KeyPackage).Signed(s_suite, priv, null, 0);
        KeyPackage package = new KeyPackage(ProtocolVersion.Mls10, 1, [7, 7, 7], leaf, [], []).Signed(s_suite, priv);

        package.VerifySignature(s_suite).ShouldBeTrue();
        KeyPackage decoded = KeyPackage.Decode(package.Encode());
        decoded.VerifySignature(s_suite).ShouldBeTrue();
        decoded.Reference(s_suite).ShouldBe(package.Reference(s_suite));
        (package with { InitKey = [7, 7, 6] }).Reference(s_suite).ShouldNotBe(package.Reference(s_suite));
        (package with { CipherSuite = 2 }).VerifySignature(s_suite).ShouldBeFalse();

        (byte[] otherPriv, _) = s_suite.GenerateSignatureKeyPair();
        package.Signed(s_suite, otherPriv).VerifySignature(s_suite).ShouldBeFalse();
    }

    [Theory]
    [InlineData((byte)LeafNodeSource.Update)]
    [InlineData((byte)LeafNodeSource.Commit)]
    public void A_leaf_node_from_an_update_or_commit_verifies_only_in_its_own_group_at_its_own_index(byte sourceValue)
    {
        LeafNodeSource source = (LeafNodeSource)sourceValue;
        (byte[] priv, byte[] pub) = s_suite.GenerateSignatureKeyPair();
        byte[] group = [1, 2, 3];
        LeafNode leaf = NewLeaf(pub, source).Signed(s_suite, priv, group, 5);

        LeafNode.Decode(leaf.Encode()).VerifySignature(s_suite, group, 5).ShouldBeTrue();
        leaf.VerifySignature(s_suite, group, 4).ShouldBeFalse();
        leaf.VerifySignature(s_suite, [1, 2, 4], 5).ShouldBeFalse();
        Should.Throw<ArgumentNullException>(() => leaf.VerifySignature(s_suite, null, 5));
    }

    [Fact]
    public void A_group_info_verifies_under_the_signer_key_only_and_not_once_its_context_changes()
    {
        (byte[] priv, byte[] pub) = s_suite.GenerateSignatureKeyPair();
        (_, byte[] otherPub) = s_suite.GenerateSignatureKeyPair();
        GroupContext context = new(ProtocolVersion.Mls10, 1, [9], 3, new byte[32], new byte[32], []);
        GroupInfo info = new GroupInfo(context, [], new byte[32], 2, []).Signed(s_suite, priv);

        GroupInfo.Decode(info.Encode()).VerifySignature(s_suite, pub).ShouldBeTrue();
        info.VerifySignature(s_suite, otherPub).ShouldBeFalse();
        (info with { GroupContext = context with { Epoch = 4 } }).VerifySignature(s_suite, pub).ShouldBeFalse();
        (info with { Signer = 1 }).VerifySignature(s_suite, pub).ShouldBeFalse();
    }

    private static LeafNode NewLeaf(byte[] signatureKey, LeafNodeSource source) => new(
        encryptionKey: new byte[32],
        signatureKey: signatureKey,
        credential: Credential.Basic("alice"u8.ToArray()),
        capabilities: new Capabilities([1], [1], [], [], [1]),
        source: source,
        lifetime: source == LeafNodeSource.KeyPackage ? new Lifetime(0, ulong.MaxValue) : null,
        parentHash: source == LeafNodeSource.Commit ? new byte[32] : null,
        extensions: [],
        signature: []);

    private static byte[] Flip(byte[] bytes)
    {
        byte[] copy = (byte[])bytes.Clone();
        copy[^1] ^= 1;
        return copy;
    }
}
