using System.Globalization;
using System.Text.RegularExpressions;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Protocol;

/// <summary>
/// The numbers PROTOCOL.md gives the v3 codes are the engine's: the Request ops and the RoomEvent and Presence kinds
/// of section 4.1's table, and the Reply codes of section 4.6's table, each with the same name, and none missing on
/// either side. A peer written from the text alone must send the bytes the engine reads.
/// </summary>
public sealed partial class ProtocolCodeTests(ITestOutputHelper output)
{
    private static readonly string s_text = File.ReadAllText(Path.Combine(VectorFiles.RepositoryRoot, "PROTOCOL.md"));

    [Fact]
    public void The_request_ops_in_PROTOCOL_md_are_the_engine_s_room_ops()
    {
        Check("Request ops", Listed(RecordRow("Request 0x1C"), "`op` "), Engine<RoomOp>(v => (int)v));
    }

    [Fact]
    public void The_room_event_kinds_in_PROTOCOL_md_are_the_engine_s_with_the_same_numbers()
    {
        Dictionary<int, string> engine = Engine<RoomNoticeKind>(v => (int)v).Where(p => p.Key < 100).ToDictionary();
        Check("RoomEvent kinds", Listed(RecordRow("RoomEvent 0x1D"), "`kind` "), engine);
    }

    [Fact]
    public void The_presence_kinds_in_PROTOCOL_md_are_the_engine_s_with_the_same_numbers()
    {
        Check("Presence kinds", Listed(RecordRow("Presence 0x12"), "`kind` "), Engine<PresenceKind>(v => (int)v));
    }

    [Fact]
    public void The_reply_codes_in_PROTOCOL_md_section_4_6_are_the_engine_s_reply_codes()
    {
        int start = s_text.IndexOf("| code | name | sent when |", StringComparison.Ordinal);
        start.ShouldBeGreaterThan(0, "PROTOCOL.md section 4.6's table of reply codes");
        var inText = new Dictionary<int, string>();
        foreach (string line in s_text[start..].Split('\n').Skip(2))
        {
            Match m = CodeRow().Match(line);
            if (!m.Success)
            {
                break;
            }

            inText.Add(int.Parse(m.Groups["code"].Value, CultureInfo.InvariantCulture), m.Groups["name"].Value);
        }

        Check("Reply codes", inText, Engine<ReplyCode>(v => (int)v));
    }

    private void Check(string what, Dictionary<int, string> inText, Dictionary<int, string> inEngine)
    {
        inText.Count.ShouldBeGreaterThan(0, $"PROTOCOL.md lists no {what}");
        inText.OrderBy(p => p.Key).ShouldBe(inEngine.OrderBy(p => p.Key), $"{what}: PROTOCOL.md and the engine differ");
        output.WriteLine($"{what}: {string.Join(", ", inText.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value}"))}");
    }

    /// <summary>The row of section 4.1's record table that starts with <paramref name="record"/>.</summary>
    private static string RecordRow(string record)
    {
        string? row = s_text.Split('\n').FirstOrDefault(l => l.StartsWith($"| {record} |", StringComparison.Ordinal));
        row.ShouldNotBeNull($"PROTOCOL.md section 4.1 has no row for {record}");
        return row;
    }

    /// <summary>The numbered names after <paramref name="lead"/> in a row: <c>`op` 1 join, 2 part, ...</c> or <c>`kind` 1 `topic` (...), 2 ...</c>.</summary>
    private static Dictionary<int, string> Listed(string row, string lead)
    {
        int at = row.IndexOf(lead, StringComparison.Ordinal);
        at.ShouldBeGreaterThan(0, $"no {lead.Trim()} list in {row}");
        string list = Parenthesised().Replace(row[(at + lead.Length)..], string.Empty);
        list = list[..ListEnd().Match(list).Index];
        var found = new Dictionary<int, string>();
        foreach (Match m in NumberedName().Matches(list))
        {
            found.Add(int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture), m.Groups["name"].Value);
        }

        return found;
    }

    /// <summary>An enum's values as PROTOCOL.md writes them: <c>NotMember</c> is <c>not member</c>.</summary>
    private static Dictionary<int, string> Engine<T>(Func<T, int> number)
        where T : struct, Enum =>
        Enum.GetValues<T>().ToDictionary(number, v => Words().Replace(v.ToString(), " $1").Trim().ToLowerInvariant());

    [GeneratedRegex(@"^\| (?<code>\d+) \| (?<name>[a-z ]+) \|")]
    private static partial Regex CodeRow();

    [GeneratedRegex(@"\((?>[^()]+|\((?<d>)|\)(?<-d>))*(?(d)(?!))\)")]
    private static partial Regex Parenthesised();

    [GeneratedRegex(@"(?<![\w.,])(?<n>\d{1,2}) (?:`(?<name>[a-z]+(?: [a-z]+)*)`|(?<name>[a-z]+))(?=[,;.]| |$)")]
    private static partial Regex NumberedName();

    /// <summary>Where a list of numbered names ends: the end of its sentence or clause, or of the table cell.</summary>
    [GeneratedRegex(@"\. |;|\||$")]
    private static partial Regex ListEnd();

    [GeneratedRegex(@"([A-Z])")]
    private static partial Regex Words();
}
