using System.Text.Json;
using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Codec;
using SecureChat.Engine.Mls.Schedule;
using SecureChat.Engine.Tests.Support;
using static SecureChat.Engine.Tests.Mls.MlsVectorJson;

namespace SecureChat.Engine.Tests.Mls;

/// <summary>The MLS working group's key-schedule.json for cipher suite 1 (RFC 9420 section 8), epoch after epoch.</summary>
public sealed class KeyScheduleVectorTests
{
    private static readonly CipherSuite s_suite = CipherSuite.Suite1;

    [Fact]
    public void Every_suite_1_epoch_chain_yields_the_published_group_context_secrets_external_key_and_exported_value()
    {
        using JsonDocument doc = VectorFiles.RequireJson("mls/key-schedule.json", "MLS key schedule");
        int ran = 0;
        int epochs = 0;
        foreach ((int index, JsonElement entry) in Suite1Cases(doc))
        {
            epochs += CheckChain(entry, index);
            ran++;
        }

        ran.ShouldBeGreaterThan(0, "no cipher suite 1 case in key-schedule.json");
        VectorFiles.Report($"key-schedule.json: {ran} suite-1 chain(s), {epochs} epochs checked, {doc.RootElement.GetArrayLength() - ran} other suites skipped");
    }

    [Fact]
    public void A_joiner_entering_at_the_joiner_secret_reaches_the_same_epoch_as_the_members()
    {
        byte[] init = Enumerable.Repeat((byte)1, 32).ToArray();
        byte[] commit = Enumerable.Repeat((byte)2, 32).ToArray();
        byte[] context = [1, 2, 3];
        (byte[] joiner, byte[] welcome, EpochSecrets members) = EpochKeySchedule.NextEpoch(s_suite, init, commit, PskSecret.None(s_suite), context);
        (byte[] joinerWelcome, EpochSecrets joined) = EpochKeySchedule.FromJoinerSecret(s_suite, joiner, PskSecret.None(s_suite), context);
        using (members)
        using (joined)
        {
            joinerWelcome.ShouldBe(welcome);
            joined.EpochAuthenticator.ShouldBe(members.EpochAuthenticator);
            joined.Export("chat", [9], 16).ShouldBe(members.Export("chat", [9], 16));
            joined.Export("chat", [8], 16).ShouldNotBe(members.Export("chat", [9], 16));

            (byte[] otherJoiner, _, EpochSecrets other) = EpochKeySchedule.NextEpoch(s_suite, init, commit, PskSecret.None(s_suite), [1, 2, 4]);
            using (other)
            {
                otherJoiner.ShouldNotBe(joiner, "another group context gives another epoch");
            }
        }
    }

    [Fact]
    public void Disposing_an_epoch_wipes_its_secrets()
    {
        (_, _, EpochSecrets epoch) = EpochKeySchedule.NextEpoch(s_suite, new byte[32], new byte[32], PskSecret.None(s_suite), []);
        byte[] encryption = epoch.EncryptionSecret;
        encryption.ShouldContain(b => b != 0);
        epoch.Dispose();
        encryption.ShouldAllBe(b => b == 0);
        epoch.InitSecret.ShouldAllBe(b => b == 0);
    }

    private static int CheckChain(JsonElement entry, int index)
    {
        byte[] groupId = Bytes(entry, "group_id");
        byte[] initSecret = Bytes(entry, "initial_init_secret");
        ulong epochNumber = 0;
        foreach (JsonElement e in entry.GetProperty("epochs").EnumerateArray())
        {
            string where = $"case {index}, epoch {epochNumber}";
            byte[] groupContext = MlsWriter.Encode(w =>
            {
                w.U16(1); // ProtocolVersion mls10
                w.U16(s_suite.Id);
                w.Opaque(groupId);
                w.U64(epochNumber);
                w.Opaque(Bytes(e, "tree_hash"));
                w.Opaque(Bytes(e, "confirmed_transcript_hash"));
                w.Vector(_ => { }); // no extensions
            });
            Hex.Of(groupContext).ShouldBe(Text(e, "group_context"), where + ": group context");

            (byte[] joiner, byte[] welcome, EpochSecrets secrets) =
                EpochKeySchedule.NextEpoch(s_suite, initSecret, Bytes(e, "commit_secret"), Bytes(e, "psk_secret"), groupContext);
            using (secrets)
            {
                Hex.Of(joiner).ShouldBe(Text(e, "joiner_secret"), where);
                Hex.Of(welcome).ShouldBe(Text(e, "welcome_secret"), where);
                Hex.Of(secrets.InitSecret).ShouldBe(Text(e, "init_secret"), where);
                Hex.Of(secrets.SenderDataSecret).ShouldBe(Text(e, "sender_data_secret"), where);
                Hex.Of(secrets.EncryptionSecret).ShouldBe(Text(e, "encryption_secret"), where);
                Hex.Of(secrets.ExporterSecret).ShouldBe(Text(e, "exporter_secret"), where);
                Hex.Of(secrets.EpochAuthenticator).ShouldBe(Text(e, "epoch_authenticator"), where);
                Hex.Of(secrets.ExternalSecret).ShouldBe(Text(e, "external_secret"), where);
                Hex.Of(secrets.ConfirmationKey).ShouldBe(Text(e, "confirmation_key"), where);
                Hex.Of(secrets.MembershipKey).ShouldBe(Text(e, "membership_key"), where);
                Hex.Of(secrets.ResumptionPsk).ShouldBe(Text(e, "resumption_psk"), where);
                Hex.Of(secrets.ExternalKeyPair().PublicKey).ShouldBe(Text(e, "external_pub"), where);

                // The published exporter secret is reproduced with the label's hex string itself as the label's text,
                // not with the bytes it spells (the format document calls the label a string).
                JsonElement exporter = e.GetProperty("exporter");
                Hex.Of(secrets.Export(exporter.GetProperty("label").GetString()!, Bytes(exporter, "context"), exporter.GetProperty("length").GetInt32()))
                    .ShouldBe(Text(exporter, "secret"), where + ": exporter");

                initSecret = secrets.InitSecret.ToArray();
            }

            epochNumber++;
        }

        epochNumber.ShouldBeGreaterThan(0UL);
        return (int)epochNumber;
    }
}
