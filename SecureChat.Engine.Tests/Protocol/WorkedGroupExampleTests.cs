using System.Buffers.Binary;
using System.Text;
using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Tests.Support;
using static SecureChat.Engine.Tests.Protocol.WorkedExampleText;

namespace SecureChat.Engine.Tests.Protocol;

/// <summary>
/// Regenerates PROTOCOL.md section 9.4, the v4 records of groups: key packages, a room founded, a member added by a
/// task, a message, an empty commit, a member added and removed, and a direct conversation. Each MLS payload comes from
/// the MLS library on fixed keys and fixed random draws, each record plaintext from the Protocol writers, and must
/// equal the plaintext built here byte by byte from section 4.1's layouts; every member processes what it is sent, so
/// the example is a working exchange. The words under each plaintext are read back from its bytes.
/// Set SECURECHAT_UPDATE_PROTOCOL_EXAMPLE=1 to rewrite the block after an intended change.
/// </summary>
public sealed partial class WorkedGroupExampleTests(ITestOutputHelper output)
{
    private const string Begin = "<!-- worked-example-groups:begin -->";
    private const string End = "<!-- worked-example-groups:end -->";

    [Fact]
    public void The_groups_worked_example_in_PROTOCOL_md_is_what_the_writers_and_the_MLS_library_make_of_its_fixed_values()
    {
        string path = Path.Combine(VectorFiles.RepositoryRoot, "PROTOCOL.md");
        string document = File.ReadAllText(path);
        int begin = document.IndexOf(Begin, StringComparison.Ordinal);
        int end = document.IndexOf(End, StringComparison.Ordinal);
        begin.ShouldBeGreaterThanOrEqualTo(0, "PROTOCOL.md lacks the groups example's begin marker");
        end.ShouldBeGreaterThan(begin, "PROTOCOL.md lacks the groups example's end marker");

        (string generated, int records) = Generate();
        string current = document[(begin + Begin.Length)..end];
        if (Environment.GetEnvironmentVariable("SECURECHAT_UPDATE_PROTOCOL_EXAMPLE") == "1")
        {
            File.WriteAllText(path, document[..(begin + Begin.Length)] + generated + document[end..]);
            current = generated;
        }

        current.ReplaceLineEndings("\n").ShouldBe(generated);
        output.WriteLine($"{records} records rebuilt from section 4.1's layouts, every MLS payload processed by its receivers; {generated.Length:N0} characters of PROTOCOL.md match");
    }

    private static string Document(WorkedGroupParty[] people, WorkedGroupWords words, List<(string Name, byte[] Value)> draws, GroupWire wire, (string Name, byte[] Value)[] values)
    {
        var text = new StringBuilder();
        text.Append("\n### 9.4 Groups: a room, its commits and a direct conversation (protocol v4)\n\n");
        text.Append("The records of section 4.8 between three identities, alice, bob and carol, whose Ed25519 keys come from fixed seeds\n");
        text.Append("made as in 9.1; each key is also its owner's MLS signature key and the identity of its basic credential. alice\n");
        text.Append("publishes key packages (two here; section 4.8 asks for 8 and a last resort) and founds #ops; the hub tasks her to\n");
        text.Append("add bob; bob writes \"hi\" and renews his keys with an empty commit; carol is added, parts, and is removed; then carol\n");
        text.Append("asks the hub for a key package of alice's and starts their direct conversation. Records are shown as plaintexts (9.1\n");
        text.Append("shows sealing); the others of the exchange (Presence, Acks, bob's and carol's KeyPackages, the CommitResults and\n");
        text.Append("WelcomeRelays not listed) are left out. MLS is cipher suite 1 with no group extensions; every key package was made\n");
        text.Append("at 1796601600 (2026-12-07T00:00:00Z). Every private key follows from the seeds and draws below, so a reader can open\n");
        text.Append("each Welcome and message as its receiver does. Under each plaintext, the lines after `=` say what its fields hold,\n");
        text.Append("as decoding them gives; G1, A1 and the like name the values below.\n\n");
        text.Append("```\n");
        foreach (WorkedGroupParty person in people)
        {
            Hex(text, $"{person.Name} identity seed", person.Seed);
            Hex(text, $"{person.Name} identity public key", person.PublicKey);
            Hex(text, $"{person.Name} identity digest SHA-256(public key)", person.Digest);
        }

        foreach ((string name, byte[] value) in values)
        {
            Hex(text, $"{words.NameOf(value)} = {name}", value);
        }

        text.Append("```\n\n");
        text.Append("Each draw below named `ikm` is the input of HPKE DeriveKeyPair (RFC 9180 section 7.1.3) for an init_key or\n");
        text.Append("encryption_key of a key package, or for the ephemeral key of one HPKE encryption (of a path secret to a member, or\n");
        text.Append("of the GroupSecrets of a Welcome to a joiner); a `leaf_secret` gives the committer's new leaf key pair, as a path\n");
        text.Append("secret gives a node's (RFC 9420 section 7.4); a `path_secret` is the first path secret of an UpdatePath; an\n");
        text.Append("`init_secret` starts a group at epoch 0 (section 11); a `reuse_guard` is a PrivateMessage's (section 6.3.2).\n\n");
        AppendDraws(text, draws, "Fixed randoms, in the order drawn", "each person and the hub draw from their own source");
        text.Append("Records:\n\n```\n");
        text.Append(wire.Text);
        text.Append("```\n");
        return text.ToString();
    }

    /// <summary>A str8 field: u8 length || UTF-8.</summary>
    private static byte[] Str8(string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        return [(byte)bytes.Length, .. bytes];
    }

    private static byte[] U16(ushort value)
    {
        byte[] bytes = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] U32(uint value)
    {
        byte[] bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] U64(ulong value)
    {
        byte[] bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return bytes;
    }

    /// <summary>An <c>mls</c> entry: u32 n || n bytes.</summary>
    private static byte[] Entry(byte[] value) => [.. U32((uint)value.Length), .. value];

    /// <summary>The people of each leaf of a group, by index (blank leaves "blank").</summary>
    private static string[] LeafNames(GroupState state, IReadOnlyList<WorkedGroupParty> people) =>
        [.. Enumerable.Range(0, (int)state.Tree.LeafCount).Select(i => state.Tree.GetLeaf((uint)i) is { } leaf
            ? people.Single(p => p.PublicKey.AsSpan().SequenceEqual(leaf.Credential.Identity)).Name
            : "blank")];

    /// <summary>The records of the example, as the text shows them: a labelled plaintext, then what its fields hold.</summary>
    private sealed class GroupWire
    {
        public StringBuilder Text { get; } = new();

        public int Count { get; private set; }

        /// <summary>
        /// Shows the one record a writer produced (no Parts: every payload here fits a record), after checking that it
        /// is <paramref name="layout"/>, the plaintext built from section 4.1.
        /// </summary>
        public byte[] Show(string label, List<(FrameType Type, byte[] Plaintext)> written, FrameType type, byte[] layout, params string[] words)
        {
            (FrameType writtenType, byte[] plaintext) = written.ShouldHaveSingleItem($"{label}: a record that fits needs no Part");
            writtenType.ShouldBe(type);
            return Show(label, plaintext, layout, words);
        }

        public byte[] Show(string label, byte[] plaintext, byte[] layout, params string[] words)
        {
            plaintext.ShouldBe(layout, $"{label}: the writer's plaintext and section 4.1's layout differ");
            Hex(Text, $"{label} plaintext", plaintext);
            foreach (string line in words)
            {
                Wrap(line);
            }

            Count++;
            return plaintext;
        }

        /// <summary>A line of words under the hex: "  = ", wrapped at 120 characters with a deeper indent.</summary>
        private void Wrap(string words)
        {
            const int Width = 120;
            string prefix = "  = ";
            foreach (string word in words.Split(' '))
            {
                if (prefix.Length > 4 && prefix.Length + 1 + word.Length > Width)
                {
                    Text.Append(prefix).Append('\n');
                    prefix = "    ";
                }

                prefix += (prefix.Length > 4 ? " " : string.Empty) + word;
            }

            Text.Append(prefix).Append('\n');
        }
    }
}
