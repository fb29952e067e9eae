using System.Globalization;
using System.Text.RegularExpressions;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Protocol;

/// <summary>
/// The engine's frame table says what PROTOCOL.md says: the same assigned types with the same names, senders and
/// phases (section 2's table), the same counting rule for Close's <c>received</c> (every sealed type, nothing clear:
/// sections 4.1 and 6), and the same chat messages for the undelivered count (section 6).
/// </summary>
public sealed partial class FrameTableTests(ITestOutputHelper output)
{
    private static readonly string s_text = File.ReadAllText(Path.Combine(VectorFiles.RepositoryRoot, "PROTOCOL.md"));

    [Fact]
    public void Every_type_in_the_protocol_table_is_in_the_frame_table_with_the_same_name_sender_phase_and_counting_rule()
    {
        List<Row> rows = ProtocolRows();
        rows.Count.ShouldBeGreaterThan(10, "PROTOCOL.md's frame type table was not found");

        foreach (Row row in rows)
        {
            FrameKind kind = FrameTable.TryGet(row.Type, out FrameKind? found)
                ? found
                : throw new ShouldAssertException($"0x{row.Type:X2} {row.Name} is in PROTOCOL.md but not in the frame table");
            kind.Name.ShouldBe(row.Name);
            kind.Sender.ShouldBe(row.Sender, $"who may send {row.Name}");
            kind.IsClear.ShouldBe(row.Clear, $"whether {row.Name} travels in the clear");
            kind.CountsTowardReceived.ShouldBe(!row.Clear, $"{row.Name}: Close's received count covers every sealed record and nothing clear");
            (kind.Phase == FramePhase.Record).ShouldBe(row.Record, $"whether {row.Name} is a record of the secure channel");
            (kind.Phase == FramePhase.ClearBeforeSecure).ShouldBe(row.BeforeSecureOnly, $"whether {row.Name} may come at any point before secure");
        }

        Dictionary<byte, string> retired = RetiredTypes();
        foreach ((byte type, string name) in retired)
        {
            rows.ShouldNotContain(r => r.Type == type, $"0x{type:X2} {name} is retired, so it is not in the table of assigned types");
            FrameTable.TryGet(type, out _).ShouldBeFalse($"0x{type:X2} {name} is retired, so a peer sending it is refused as unassigned");
        }

        FrameTable.All.Select(k => (byte)k.Type).Order().ShouldBe(rows.Select(r => r.Type).Order(),
            "the frame table assigns exactly the types PROTOCOL.md assigns; every other value is unassigned");
        output.WriteLine($"retired v3 records, unassigned: {string.Join(", ", retired.Select(r => $"0x{r.Key:X2} {r.Value}"))}");
        output.WriteLine($"{rows.Count} types in PROTOCOL.md's table, {FrameTable.All.Count()} in the frame table: "
            + string.Join(", ", rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"0x{r.Type:X2} {r.Name} {r.Sender}{(r.Clear ? " clear" : " sealed")}"))));
    }

    [Fact]
    public void The_chat_messages_counted_as_undelivered_are_those_PROTOCOL_md_names()
    {
        Match named = ChatMessagesSentence().Match(Regex.Replace(s_text, @"\s+", " "));
        named.Success.ShouldBeTrue("PROTOCOL.md section 6 names the chat message records");
        string[] inText = named.Groups["names"].Value.Split([", ", " and "], StringSplitOptions.TrimEntries);

        string[] inTable = FrameTable.All.Where(k => k.IsChatMessage).Select(k => k.Name).ToArray();
        inTable.Order().ShouldBe(inText.Order());
        output.WriteLine($"chat messages: PROTOCOL.md {string.Join(", ", inText)}; frame table {string.Join(", ", inTable)}");
    }

    [Fact]
    public void Only_records_go_to_the_application_and_every_clear_type_belongs_to_the_handshake_or_the_session()
    {
        foreach (FrameKind kind in FrameTable.All)
        {
            if (kind.Consumer == RecordConsumer.Application)
            {
                kind.Phase.ShouldBe(FramePhase.Record, kind.Name);
            }

            if (kind.IsChatMessage)
            {
                kind.Consumer.ShouldBe(RecordConsumer.Application, kind.Name);
            }
        }

        for (int type = 0; type < 256; type++)
        {
            FrameTable.IsClear((byte)type).ShouldBe(FrameTable.TryGet((byte)type, out FrameKind? kind) && kind.IsClear, $"0x{type:X2}");
        }
    }

    /// <summary>The rows of PROTOCOL.md section 2's type table: <c>| 0x10 | Chat | record | ... |</c>.</summary>
    private static List<Row> ProtocolRows()
    {
        int start = s_text.IndexOf("| type | name | phase | body |", StringComparison.Ordinal);
        start.ShouldBeGreaterThan(0, "PROTOCOL.md's frame type table header");
        var rows = new List<Row>();
        foreach (string line in s_text[start..].Split('\n').Skip(2))
        {
            Match m = TableRow().Match(line);
            if (!m.Success)
            {
                break;
            }

            string phase = m.Groups["phase"].Value;
            FrameSender sender = phase.Contains("client -> server", StringComparison.Ordinal) ? FrameSender.Client
                : phase.Contains("server -> client", StringComparison.Ordinal) ? FrameSender.Server
                : FrameSender.Either;
            rows.Add(new Row(
                byte.Parse(m.Groups["type"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                m.Groups["name"].Value,
                sender,
                Clear: Regex.IsMatch(phase, @"\bclear\b"),
                Record: phase.StartsWith("record", StringComparison.Ordinal),
                BeforeSecureOnly: phase.StartsWith("before secure only", StringComparison.Ordinal)));
        }

        return rows;
    }

    /// <summary>
    /// The v3 records PROTOCOL.md section 2 names as retired (their numbers unassigned in v4, never reused): the frame
    /// table must not list them, so a peer that sends one fails the session (Close 8).
    /// </summary>
    private static Dictionary<byte, string> RetiredTypes()
    {
        Match sentence = RetiredSentence().Match(Regex.Replace(s_text, @"\s+", " "));
        sentence.Success.ShouldBeTrue("PROTOCOL.md section 2 names the retired v3 records");
        var retired = new Dictionary<byte, string>();
        foreach (Match m in RetiredType().Matches(sentence.Value))
        {
            retired.Add(byte.Parse(m.Groups["type"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture), m.Groups["name"].Value);
        }

        retired.Count.ShouldBe(4);
        return retired;
    }

    private sealed record Row(byte Type, string Name, FrameSender Sender, bool Clear, bool Record, bool BeforeSecureOnly);

    [GeneratedRegex(@"^\| 0x(?<type>[0-9A-F]{2}) \| (?<name>\w+) \| (?<phase>[^|]+?) \|")]
    private static partial Regex TableRow();

    [GeneratedRegex(@"0x10 \(Chat\)[^.]*were v3's records")]
    private static partial Regex RetiredSentence();

    [GeneratedRegex(@"0x(?<type>[0-9A-F]{2}) \((?<name>\w+)\)")]
    private static partial Regex RetiredType();

    [GeneratedRegex(@"the chat messages \((?<names>[A-Z]\w+(?:(?:, | and )[A-Z]\w+)*) records\)")]
    private static partial Regex ChatMessagesSentence();
}
