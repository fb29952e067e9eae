using System.Text.Json;
using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Codec;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Mls;

/// <summary>
/// The message layer of the passive-client vectors (MLS working group, RFC 9420), suite 1: every key package,
/// welcome, proposal and commit decodes and re-encodes byte for byte; every proposal a commit names by reference is
/// one of its epoch's proposals under ProposalRef (section 5.2); every joiner's key package verifies and has its
/// KeyPackageRef in the welcome. The group state these vectors then check belongs to the group layer.
/// </summary>
public sealed class PassiveClientMessagesTests
{
    private static readonly CipherSuite s_suite = CipherSuite.Suite1;

    [Theory]
    [InlineData("passive-client-handling-commit.json")]
    [InlineData("passive-client-random.json")]
    [InlineData("passive-client-welcome.json")]
    public void Every_suite_1_message_round_trips_and_every_reference_names_a_published_proposal_or_key_package(string file)
    {
        using JsonDocument doc = VectorFiles.RequireJson("mls/" + file, "MLS passive-client messages");
        List<string> failures = [];
        int cases = 0, messages = 0, references = 0, index = -1;
        foreach (JsonElement test in doc.RootElement.EnumerateArray())
        {
            index++;
            if (test.GetProperty("cipher_suite").GetInt32() != 1)
            {
                continue;
            }

            cases++;
            byte[] keyPackageBytes = Hex.Bytes(test.GetProperty("key_package").GetString()!);
            // Published as an MLSMessage (mls10, mls_key_package), though test-vectors.md calls it a KeyPackage.
            KeyPackage keyPackage = RoundTrip(keyPackageBytes, MlsMessage.Read, (w, v) => v.Write(w), $"case {index} key_package", failures).KeyPackage!;
            Welcome welcome = RoundTrip(Hex.Bytes(test.GetProperty("welcome").GetString()!), MlsMessage.Read, (w, v) => v.Write(w), $"case {index} welcome", failures).Welcome!;
            messages += 2;
            if (!keyPackage.VerifySignature(s_suite) || !keyPackage.LeafNode.VerifySignature(s_suite, null, 0))
            {
                failures.Add($"case {index}: the key package's or its leaf's signature does not verify");
            }

            if (!welcome.Secrets.Any(s => s.NewMember.AsSpan().SequenceEqual(keyPackage.Reference(s_suite))))
            {
                failures.Add($"case {index}: the key package's reference is not among the welcome's {welcome.Secrets.Count} entries");
            }

            references++;
            int epoch = 0;
            foreach (JsonElement step in test.GetProperty("epochs").EnumerateArray())
            {
                List<byte[]> proposalRefs = [];
                foreach (JsonElement proposal in step.GetProperty("proposals").EnumerateArray())
                {
                    MlsMessage message = RoundTrip(Hex.Bytes(proposal.GetString()!), MlsMessage.Read, (w, v) => v.Write(w), $"case {index} epoch {epoch} proposal", failures);
                    if (message.PublicMessage is { } pub)
                    {
                        proposalRefs.Add(new AuthenticatedContent(WireFormat.PublicMessage, pub.Content, pub.Auth).ProposalRef(s_suite));
                    }

                    messages++;
                }

                MlsMessage commit = RoundTrip(Hex.Bytes(step.GetProperty("commit").GetString()!), MlsMessage.Read, (w, v) => v.Write(w), $"case {index} epoch {epoch} commit", failures);
                messages++;
                foreach (ProposalOrRef entry in commit.PublicMessage?.Content.Commit?.Proposals ?? [])
                {
                    if (entry.Reference is { } reference)
                    {
                        references++;
                        if (!proposalRefs.Any(r => r.AsSpan().SequenceEqual(reference)))
                        {
                            failures.Add($"case {index} epoch {epoch}: the commit names a proposal reference no published proposal has");
                        }
                    }
                }

                epoch++;
            }
        }

        VectorFiles.Report($"{file}: {cases} suite-1 cases, {messages} messages round-tripped, {references} references matched");
        failures.ShouldBeEmpty($"{failures.Count} failures, the first: {string.Join("; ", failures.Take(10))}");
        cases.ShouldBeGreaterThan(0);
        references.ShouldBeGreaterThan(0);
    }

    private static T RoundTrip<T>(byte[] bytes, ReadFunc<T> read, Action<MlsWriter, T> write, string what, List<string> failures)
    {
        MlsReader r = new(bytes);
        T value = read(ref r);
        r.ExpectEnd();
        if (!MlsWriter.Encode(w => write(w, value)).AsSpan().SequenceEqual(bytes))
        {
            failures.Add($"{what}: re-encoded bytes differ");
        }

        return value;
    }
}
