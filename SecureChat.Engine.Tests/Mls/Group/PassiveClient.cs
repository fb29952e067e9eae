using System.Text.Json;
using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Mls.Tree;
using SecureChat.Engine.Tests.Support;
using static SecureChat.Engine.Tests.Mls.MlsVectorJson;

namespace SecureChat.Engine.Tests.Mls.Group;

/// <summary>
/// One passive-client scenario of the MLS working group's vectors (test-vectors.md, "Passive Client Scenarios"):
/// join from the Welcome with the published keys, tree and external PSKs, compare the initial epoch_authenticator,
/// then apply each epoch's commit (with its proposals) and compare that epoch's authenticator.
/// </summary>
internal static class PassiveClient
{
    /// <summary>Every suite-1 scenario of the vector file <paramref name="file"/>: how many ran, the epochs followed in all, and what failed.</summary>
    public static (int Cases, int Epochs, List<string> Failures) RunAll(string file, string what)
    {
        using JsonDocument doc = VectorFiles.RequireJson(file, what);
        var failures = new List<string>();
        int cases = 0, epochs = 0;
        foreach ((int index, JsonElement entry) in Suite1Cases(doc))
        {
            cases++;
            string? failure = Run(entry, out int followed);
            epochs += followed;
            if (failure is not null)
            {
                failures.Add($"case {index}: {failure}");
            }
        }

        return (cases, epochs, failures);
    }

    /// <summary>Null when the client followed the whole scenario, else what went wrong first.</summary>
    public static string? Run(JsonElement entry, out int epochsFollowed)
    {
        epochsFollowed = 0;
        CipherSuite suite = CipherSuite.Suite1;
        KeyPackage keyPackage = MlsMessage.Decode(Bytes(entry, "key_package")).KeyPackage!;
        Welcome welcome = MlsMessage.Decode(Bytes(entry, "welcome")).Welcome!;
        var keys = new KeyPackageSecrets(Bytes(entry, "init_priv"), Bytes(entry, "encryption_priv"), Bytes(entry, "signature_priv"));
        RatchetTree? tree = entry.GetProperty("ratchet_tree").ValueKind == JsonValueKind.Null
            ? null
            : RatchetTreeCodec.Decode(Bytes(entry, "ratchet_tree"));
        var externalPsks = new Dictionary<string, byte[]>();
        foreach (JsonElement psk in entry.GetProperty("external_psks").EnumerateArray())
        {
            externalPsks[psk.GetProperty("psk_id").GetString()!.ToUpperInvariant()] = Bytes(psk, "psk");
        }

        byte[]? Lookup(PreSharedKeyId id) =>
            id.Type == PskType.External ? externalPsks.GetValueOrDefault(Convert.ToHexString(id.PskId)) : null;

        if (!WelcomeJoin.TryJoin(suite, welcome, keyPackage, keys, tree, Lookup, out GroupState? state, out string failure))
        {
            return $"join refused: {failure}";
        }

        try
        {
            if (!state!.EpochAuthenticator.AsSpan().SequenceEqual(Bytes(entry, "initial_epoch_authenticator")))
            {
                return $"joined epoch {state.Epoch} with another epoch_authenticator than the published one";
            }

            VectorFiles.Report($"joined epoch {state.Epoch} at leaf {state.OwnLeaf} of {state.Tree.LeafCount}, holding {state.NodesWithPrivateKeys.Count} private keys");
            foreach (JsonElement epoch in entry.GetProperty("epochs").EnumerateArray())
            {
                foreach (JsonElement proposal in epoch.GetProperty("proposals").EnumerateArray())
                {
                    if (!CommitProcessor.TryReceiveProposal(state, MlsMessage.Decode(Hex.Bytes(proposal.GetString()!)), out failure))
                    {
                        return $"epoch {state.Epoch}: a proposal was refused: {failure}";
                    }
                }

                MlsMessage commit = MlsMessage.Decode(Bytes(epoch, "commit"));
                if (!CommitProcessor.TryProcess(state, commit, Lookup, GroupMembers.Now, out GroupState? next, out failure))
                {
                    return $"epoch {state.Epoch}: the commit was refused: {failure}";
                }

                state.Dispose();
                state = next!;
                if (!state.EpochAuthenticator.AsSpan().SequenceEqual(Bytes(epoch, "epoch_authenticator")))
                {
                    return $"reached epoch {state.Epoch} with another epoch_authenticator than the published one";
                }

                epochsFollowed++;
            }

            VectorFiles.Report($"followed {epochsFollowed} epochs to epoch {state.Epoch}, {state.Tree.OccupiedLeaves().Count()} members in {state.Tree.LeafCount} leaves");
            return null;
        }
        finally
        {
            state!.Dispose();
        }
    }
}
