using System.Security.Cryptography;
using System.Text.Json;
using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Framing;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Mls.Schedule;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Mls;

/// <summary>
/// welcome.json (MLS working group test vectors, RFC 9420 section 12.4.3.1), suite 1: the published Welcome opens for
/// its key package with the init private key; the group info opens under the welcome secret, verifies under the
/// signer's key, and carries the confirmation tag of its epoch. A Welcome sealed here opens the same way, and only for
/// its own joiner. The key schedule (section 8) is the library's.
/// </summary>
public sealed class WelcomeProtectionVectorTests
{
    private const string File = "mls/welcome.json";
    private static readonly CipherSuite s_suite = CipherSuite.Suite1;

    [Fact]
    public void Every_suite_1_welcome_opens_for_its_key_package_and_its_group_info_verifies_and_confirms()
    {
        using JsonDocument doc = VectorFiles.RequireJson(File, "MLS welcome decryption");
        int ran = 0, skipped = 0;
        foreach (JsonElement test in doc.RootElement.EnumerateArray())
        {
            if (test.GetProperty("cipher_suite").GetInt32() != 1)
            {
                skipped++;
                continue;
            }

            byte[] initPriv = Hex.Bytes(test.GetProperty("init_priv").GetString()!);
            KeyPackage keyPackage = MlsMessage.Decode(Hex.Bytes(test.GetProperty("key_package").GetString()!)).KeyPackage!;
            Welcome welcome = MlsMessage.Decode(Hex.Bytes(test.GetProperty("welcome").GetString()!)).Welcome!;
            s_suite.PublicKeyOf(initPriv).ShouldBe(keyPackage.InitKey);

            WelcomeProtection.TryOpenGroupSecrets(s_suite, welcome, keyPackage.Reference(s_suite), initPriv, out GroupSecrets? secrets, out WelcomeFailure failure)
                .ShouldBeTrue($"group secrets: {failure}");
            secrets.Psks.ShouldBeEmpty();
            // welcome_secret does not depend on the group context, which the group info it opens carries.
            (byte[] welcomeSecret, EpochSecrets unused) = EpochKeySchedule.FromJoinerSecret(s_suite, secrets.JoinerSecret, PskSecret.None(s_suite), []);
            unused.Dispose();
            WelcomeProtection.TryOpenGroupInfo(s_suite, welcome, welcomeSecret, out GroupInfo? groupInfo, out failure)
                .ShouldBeTrue($"group info: {failure}");

            groupInfo.VerifySignature(s_suite, Hex.Bytes(test.GetProperty("signer_pub").GetString()!)).ShouldBeTrue();
            (_, EpochSecrets epoch) = EpochKeySchedule.FromJoinerSecret(s_suite, secrets.JoinerSecret, PskSecret.None(s_suite), groupInfo.GroupContext.Encode());
            using (epoch)
            {
                s_suite.Mac(epoch.ConfirmationKey, groupInfo.GroupContext.ConfirmedTranscriptHash).ShouldBe(groupInfo.ConfirmationTag);
            }

            ran++;
        }

        VectorFiles.Report($"{File}: {ran} suite-1 welcomes opened, verified and confirmed, {skipped} of other suites skipped");
        ran.ShouldBeGreaterThan(0);
    }

    [Fact]
    public void A_welcome_sealed_here_opens_only_for_its_joiner_and_refuses_altered_or_foreign_input()
    {
        (byte[] joinerInit, KeyPackage joiner) = NewKeyPackage();
        (byte[] otherInit, KeyPackage other) = NewKeyPackage();
        (byte[] signerPriv, byte[] signerPub) = s_suite.GenerateSignatureKeyPair();
        GroupContext context = new(ProtocolVersion.Mls10, 1, [4, 2], 1, new byte[32], new byte[32], []);
        GroupInfo groupInfo = new GroupInfo(context, [], new byte[32], 0, []).Signed(s_suite, signerPriv);
        byte[] welcomeSecret = RandomNumberGenerator.GetBytes(32);
        GroupSecrets secrets = new(RandomNumberGenerator.GetBytes(32), new PathSecret(RandomNumberGenerator.GetBytes(32)), []);

        Welcome welcome = Welcome.Decode(WelcomeProtection.Seal(s_suite, groupInfo, welcomeSecret, [(joiner, secrets)]).Encode());

        WelcomeProtection.TryOpenGroupSecrets(s_suite, welcome, joiner.Reference(s_suite), joinerInit, out GroupSecrets? opened, out WelcomeFailure failure).ShouldBeTrue();
        opened.JoinerSecret.ShouldBe(secrets.JoinerSecret);
        opened.PathSecret!.Secret.ShouldBe(secrets.PathSecret!.Secret);
        WelcomeProtection.TryOpenGroupInfo(s_suite, welcome, welcomeSecret, out GroupInfo? info, out failure).ShouldBeTrue();
        info.VerifySignature(s_suite, signerPub).ShouldBeTrue();

        WelcomeProtection.TryOpenGroupSecrets(s_suite, welcome, other.Reference(s_suite), otherInit, out _, out failure).ShouldBeFalse();
        failure.ShouldBe(WelcomeFailure.NotForThisKeyPackage);
        WelcomeProtection.TryOpenGroupSecrets(s_suite, welcome, joiner.Reference(s_suite), otherInit, out _, out failure).ShouldBeFalse();
        failure.ShouldBe(WelcomeFailure.SecretsUnreadable);
        WelcomeProtection.TryOpenGroupSecrets(s_suite, welcome with { CipherSuite = 2 }, joiner.Reference(s_suite), joinerInit, out _, out failure).ShouldBeFalse();
        failure.ShouldBe(WelcomeFailure.WrongCipherSuite);

        // The group info is the context of every joiner's secrets: altering it breaks both.
        byte[] altered = (byte[])welcome.EncryptedGroupInfo.Clone();
        altered[0] ^= 1;
        WelcomeProtection.TryOpenGroupSecrets(s_suite, welcome with { EncryptedGroupInfo = altered }, joiner.Reference(s_suite), joinerInit, out _, out failure).ShouldBeFalse();
        failure.ShouldBe(WelcomeFailure.SecretsUnreadable);
        WelcomeProtection.TryOpenGroupInfo(s_suite, welcome with { EncryptedGroupInfo = altered }, welcomeSecret, out _, out failure).ShouldBeFalse();
        failure.ShouldBe(WelcomeFailure.GroupInfoUnreadable);
        WelcomeProtection.TryOpenGroupInfo(s_suite, welcome, RandomNumberGenerator.GetBytes(32), out _, out failure).ShouldBeFalse();
        failure.ShouldBe(WelcomeFailure.GroupInfoUnreadable);
    }

    private static (byte[] InitPriv, KeyPackage Package) NewKeyPackage()
    {
        (byte[] initPriv, byte[] initPub) = s_suite.DeriveKeyPair(RandomNumberGenerator.GetBytes(32));
        (byte[] sigPriv, byte[] sigPub) = s_suite.GenerateSignatureKeyPair();
        LeafNode leaf = new LeafNode(
            s_suite.DeriveKeyPair(RandomNumberGenerator.GetBytes(32)).PublicKey, sigPub, Credential.Basic("joiner"u8.ToArray()),
            new Capabilities([1], [1], [], [], [1]), LeafNodeSource.KeyPackage, new Lifetime(0, ulong.MaxValue), null, [], []).Signed(s_suite, sigPriv, null, 0);
        return (initPriv, new KeyPackage(ProtocolVersion.Mls10, 1, initPub, leaf, [], []).Signed(s_suite, sigPriv));
    }
}
