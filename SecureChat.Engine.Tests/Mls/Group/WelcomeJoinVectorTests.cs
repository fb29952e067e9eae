using System.Text.Json;
using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Tests.Support;
using static SecureChat.Engine.Tests.Mls.MlsVectorJson;

namespace SecureChat.Engine.Tests.Mls.Group;

/// <summary>
/// The MLS working group's welcome.json (mlswg/mls-implementations, suite 1 entries): the Welcome opens with the
/// key package's init key, the GroupInfo's confirmation tag matches the epoch's confirmation key, and its signature
/// verifies under the published signer key.
/// </summary>
public sealed class WelcomeJoinVectorTests
{
    private const string File = "mls/welcome.json";

    [Fact]
    public void Every_suite_1_welcome_opens_with_its_init_key_and_carries_a_confirmed_and_signed_group_info()
    {
        using JsonDocument doc = VectorFiles.RequireJson(File, "MLS welcome");
        CipherSuite suite = CipherSuite.Suite1;
        var failures = new List<string>();
        int cases = 0;
        foreach ((int index, JsonElement entry) in Suite1Cases(doc))
        {
            cases++;
            KeyPackage keyPackage = MlsMessage.Decode(Hex.Bytes(entry.GetProperty("key_package").GetString()!)).KeyPackage!;
            Welcome welcome = MlsMessage.Decode(Hex.Bytes(entry.GetProperty("welcome").GetString()!)).Welcome!;
            byte[] initPrivateKey = Hex.Bytes(entry.GetProperty("init_priv").GetString()!);
            byte[] signerPublicKey = Hex.Bytes(entry.GetProperty("signer_pub").GetString()!);

            if (!WelcomeJoin.TryOpen(suite, welcome, keyPackage, initPrivateKey, _ => null, out OpenedWelcome? opened, out string failure))
            {
                failures.Add($"case {index}: {failure}");
                continue;
            }

            using (opened!.Epoch)
            {
                if (!opened.GroupInfo.VerifySignature(suite, signerPublicKey))
                {
                    failures.Add($"case {index}: the GroupInfo's signature does not verify under signer_pub");
                }

                VectorFiles.Report($"case {index}: group id {Hex.Of(opened.GroupInfo.GroupContext.GroupId)}, epoch {opened.GroupInfo.GroupContext.Epoch}, path secret {(opened.Secrets.PathSecret is null ? "absent" : "present")}");
            }

            byte[] otherInitKey = CipherSuite.Suite1.DeriveKeyPair(new byte[32]).PrivateKey;
            WelcomeJoin.TryOpen(suite, welcome, keyPackage, otherInitKey, _ => null, out _, out string wrongKey).ShouldBeFalse();
            VectorFiles.Report($"case {index}: with another init key: {wrongKey}");
        }

        cases.ShouldBeGreaterThan(0, "welcome.json holds no suite-1 case");
        failures.ShouldBeEmpty();
    }
}
