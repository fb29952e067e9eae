using System.Text.Json;
using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Schedule;
using SecureChat.Engine.Tests.Support;
using static SecureChat.Engine.Tests.Mls.MlsVectorJson;

namespace SecureChat.Engine.Tests.Mls;

/// <summary>The MLS working group's secret-tree.json for cipher suite 1 (RFC 9420 sections 6.3.2 and 9).</summary>
public sealed class SecretTreeVectorTests
{
    private static readonly CipherSuite s_suite = CipherSuite.Suite1;

    [Fact]
    public void Every_suite_1_tree_yields_the_published_sender_data_keys_and_ratchet_keys_and_nonces()
    {
        using JsonDocument doc = VectorFiles.RequireJson("mls/secret-tree.json", "MLS secret tree");
        int index = 0;
        int ran = 0;
        int keys = 0;
        foreach (JsonElement entry in doc.RootElement.EnumerateArray())
        {
            if (entry.GetProperty("cipher_suite").GetInt32() != 1)
            {
                index++;
                continue;
            }

            JsonElement senderData = entry.GetProperty("sender_data");
            (byte[] key, byte[] nonce) = SenderDataKeys.Derive(s_suite, Bytes(senderData, "sender_data_secret"), Bytes(senderData, "ciphertext"));
            Hex.Of(key).ShouldBe(Text(senderData, "key"), $"case {index}: sender data key");
            Hex.Of(nonce).ShouldBe(Text(senderData, "nonce"), $"case {index}: sender data nonce");

            JsonElement leaves = entry.GetProperty("leaves");
            using SecretTree tree = new(s_suite, Bytes(entry, "encryption_secret"), (uint)leaves.GetArrayLength());
            uint leaf = 0;
            foreach (JsonElement generations in leaves.EnumerateArray())
            {
                foreach (JsonElement g in generations.EnumerateArray())
                {
                    uint generation = g.GetProperty("generation").GetUInt32();
                    string where = $"case {index}, leaf {leaf}, generation {generation}";
                    tree.TryGetKey(leaf, RatchetKind.Handshake, generation, out RatchetKey? handshake).ShouldBeTrue(where);
                    Hex.Of(handshake.Key).ShouldBe(Text(g, "handshake_key"), where);
                    Hex.Of(handshake.Nonce).ShouldBe(Text(g, "handshake_nonce"), where);
                    tree.TryGetKey(leaf, RatchetKind.Application, generation, out RatchetKey? application).ShouldBeTrue(where);
                    Hex.Of(application.Key).ShouldBe(Text(g, "application_key"), where);
                    Hex.Of(application.Nonce).ShouldBe(Text(g, "application_nonce"), where);
                    keys += 2;
                }

                leaf++;
            }

            tree.HeldNodeSecretCount.ShouldBe(0, $"case {index}: every node secret is wiped once all leaves are derived");
            ran++;
            index++;
        }

        ran.ShouldBeGreaterThan(0, "no cipher suite 1 case in secret-tree.json");
        VectorFiles.Report($"secret-tree.json: {ran} suite-1 trees, {keys} keys and nonces checked, {index - ran} other suites skipped");
    }

    [Fact]
    public void A_receiver_gets_the_keys_a_sender_used_in_order_and_out_of_order_but_each_only_once()
    {
        byte[] secret = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        using SecretTree sender = new(s_suite, secret, 4);
        using SecretTree receiver = new(s_suite, secret, 4);
        List<RatchetKey> sent = Enumerable.Range(0, 6).Select(_ => sender.NextKey(2, RatchetKind.Application)).ToList();
        sent.Select(k => k.Generation).ShouldBe([0u, 1u, 2u, 3u, 4u, 5u]);

        foreach (uint generation in new uint[] { 0, 4, 2, 5, 1, 3 })
        {
            receiver.TryGetKey(2, RatchetKind.Application, generation, out RatchetKey? key).ShouldBeTrue($"generation {generation}");
            key.Key.ShouldBe(sent[(int)generation].Key);
            key.Nonce.ShouldBe(sent[(int)generation].Nonce);
        }

        for (uint generation = 0; generation < 6; generation++)
        {
            receiver.TryGetKey(2, RatchetKind.Application, generation, out _).ShouldBeFalse($"generation {generation} a second time");
        }

        receiver.TryGetKey(2, RatchetKind.Handshake, 0, out RatchetKey? handshake).ShouldBeTrue("the handshake ratchet is separate");
        handshake.Key.ShouldNotBe(sent[0].Key);
    }

    [Fact]
    public void A_generation_more_than_the_stated_limit_ahead_is_refused_and_one_at_the_limit_is_accepted()
    {
        byte[] secret = new byte[32];
        using SecretTree tree = new(s_suite, secret, 2);
        tree.TryGetKey(0, RatchetKind.Application, SecretTree.ForwardGenerationsMax + 1, out _).ShouldBeFalse();
        tree.TryGetKey(0, RatchetKind.Application, SecretTree.ForwardGenerationsMax, out RatchetKey? atLimit).ShouldBeTrue();
        atLimit.Generation.ShouldBe(SecretTree.ForwardGenerationsMax);
        tree.TryGetKey(0, RatchetKind.Application, uint.MaxValue, out _).ShouldBeFalse();
        tree.TryGetKey(1, RatchetKind.Application, 0, out _).ShouldBeTrue("another leaf's ratchet is untouched");
        tree.TryGetKey(2, RatchetKind.Application, 0, out _).ShouldBeFalse("a leaf outside the tree");
        VectorFiles.Report($"look-ahead limit: {SecretTree.ForwardGenerationsMax} generations, skipped keys kept: {SecretTree.SkippedKeysMax}");
    }

    [Fact]
    public void Skipped_keys_beyond_the_stated_limit_are_dropped_oldest_first()
    {
        using SecretTree tree = new(s_suite, new byte[32], 1);
        tree.TryGetKey(0, RatchetKind.Application, 1000, out _).ShouldBeTrue();
        tree.TryGetKey(0, RatchetKind.Application, 1600, out _).ShouldBeTrue();

        // 0..999 and 1001..1599 were skipped: 1599 keys, of which the oldest 599 are gone.
        tree.TryGetKey(0, RatchetKind.Application, 598, out _).ShouldBeFalse();
        tree.TryGetKey(0, RatchetKind.Application, 599, out _).ShouldBeTrue();
        tree.TryGetKey(0, RatchetKind.Application, 1599, out _).ShouldBeTrue();
    }
}
