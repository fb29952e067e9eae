using System.Text.Json;
using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Codec;
using SecureChat.Engine.Mls.Schedule;
using SecureChat.Engine.Tests.Support;
using static SecureChat.Engine.Tests.Mls.MlsVectorJson;

namespace SecureChat.Engine.Tests.Mls;

/// <summary>The MLS working group's psk_secret.json for cipher suite 1 (RFC 9420 section 8.4), external PSKs.</summary>
public sealed class PskSecretVectorTests
{
    private static readonly CipherSuite s_suite = CipherSuite.Suite1;

    [Fact]
    public void Every_suite_1_list_of_external_psks_yields_the_published_psk_secret()
    {
        using JsonDocument doc = VectorFiles.RequireJson("mls/psk_secret.json", "MLS pre-shared key secret");
        int ran = 0;
        int withoutPsks = 0;
        foreach ((int index, JsonElement entry) in Suite1Cases(doc))
        {
            List<(byte[], byte[])> psks = [];
            foreach (JsonElement psk in entry.GetProperty("psks").EnumerateArray())
            {
                byte[] id = MlsWriter.Encode(w =>
                {
                    w.U8(1); // PSKType external
                    w.Opaque(Bytes(psk, "psk_id"));
                    w.Opaque(Bytes(psk, "psk_nonce"));
                });
                psks.Add((id, Bytes(psk, "psk")));
            }

            Hex.Of(PskSecret.Compute(s_suite, psks)).ShouldBe(Text(entry, "psk_secret"), $"case {index} ({psks.Count} psks)");
            withoutPsks += psks.Count == 0 ? 1 : 0;
            ran++;
        }

        ran.ShouldBeGreaterThan(0, "no cipher suite 1 case in psk_secret.json");
        VectorFiles.Report($"psk_secret.json: {ran} suite-1 cases ({withoutPsks} without any PSK), {doc.RootElement.GetArrayLength() - ran} other suites skipped");
    }

    [Fact]
    public void No_psk_gives_the_all_zero_psk_secret_and_the_order_of_psks_matters()
    {
        PskSecret.Compute(s_suite, []).ShouldBe(PskSecret.None(s_suite));
        (byte[], byte[]) a = ([1, 1, 1], [5]);
        (byte[], byte[]) b = ([1, 1, 2], [6]);
        PskSecret.Compute(s_suite, [a, b]).ShouldNotBe(PskSecret.Compute(s_suite, [b, a]));
    }
}
