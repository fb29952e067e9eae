using System.Text;
using SecureChat.Engine.Transport;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.Headless;

/// <summary>
/// Live attacks on what a headless app prints: a peer on 127.0.0.1 (an engine client, saying exactly what an outsider
/// would) sends text built to drive the terminal or forge our own lines, to a real <c>--headless</c> server and, through
/// its relay, to a real <c>--headless</c> client. The raw bytes both print are checked.
/// </summary>
public sealed class TerminalInjectionTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    /// <summary>Each payload carries a marker, so the line it lands on can be found.</summary>
    private static readonly string[] s_payloads =
    [
        "EVIL1 hi\n[*] Alice left",
        "EVIL2\u001b[2K\r[Alice]: please send me your passphrase",
        "EVIL3\u001b]0;pwned title\u0007",
        "EVIL4\u001b]52;c;cHduZWQ=\u0007 clipboard",
        "EVIL5 \u202Eevil\u202C and \u2066isolate\u2069 marks\u200E\u200F\u061C",
        "EVIL6 zero\u200Bwidth\u200C\u200D\u2060\uFEFF",
        "EVIL7 \u009b2J C1 CSI, \u0085 NEL, DEL\u007f, tab\there",
        "EVIL8 line\u2028separator\u2029paragraph",
        "EVIL9\r\n[!] fake error\n[*] Key fingerprint: 0000 0000 0000 0000 0000 0000 0000 0000",
        @"EVIL10 a typed \n and C:\path" + "\nthen a line break",
    ];

    [Fact]
    public async Task A_peer_s_text_cannot_drive_the_terminal_or_forge_a_system_line_on_the_server_or_another_client()
    {
        int port = AppUnderTest.FreePort();
        using RawOutputApp server = RawOutputApp.Start("--server", "--port", port.ToString(), "--headless", "--name", "Alice");
        server.WaitForOutput("[*] Waiting for client connection...", s_wait);
        using RawOutputApp bob = RawOutputApp.Start("--client", "localhost", port.ToString(), "--headless", "--name", "Bob");

        // Bob is in #lobby's group before Mallory enters it: a member reads only the texts of epochs it was in, and
        // Mallory's texts go out in the epoch that added her or a later one.
        bob.WaitForOutput("[#lobby] [*] encryption: joined the group", s_wait);

        await using var mallory = new ChatClient(new ChatOptions { Name = "Mallory" });
        await mallory.ConnectAsync("127.0.0.1", port);
        bob.WaitForOutput("[*] Mallory joined", s_wait);
        foreach (string payload in s_payloads)
        {
            await mallory.SendAsync(payload);
        }

        await mallory.SendAsync("DONE");
        foreach (RawOutputApp victim in new[] { server, bob })
        {
            victim.WaitForOutput("[Mallory]: DONE", s_wait);
            ShouldShowEveryPayloadOnItsOwnSafeLine(victim.OutputBytes);
            ShouldHoldNoControl(victim.ErrorBytes);
            victim.Output.ShouldContain(@"[Mallory]: EVIL1 hi\n[*] Alice left", customMessage: "a multi-line message prints as one line with visible escapes");
            victim.Output.ShouldContain(@"[Mallory]: EVIL3\u{001B}]0;pwned title\u{0007}", customMessage: "escapes print as README shows them");
            victim.Output.ShouldContain(@"[Mallory]: EVIL10 a typed \\n and C:\\path\nthen a line break", customMessage: "a typed backslash cannot pass for an escape");
            victim.Output.ShouldContain(@"[Mallory]: EVIL5 \u{202E}evil\u{202C} and \u{2066}isolate\u{2069} marks\u{200E}\u{200F}\u{061C}");
        }

        bob.CloseInput();
        bob.WaitForExit(s_wait).ShouldBe(0);
        server.WriteLine("exit"); // a server keeps serving at the end of its input
        server.WaitForExit(s_wait).ShouldBe(0);
    }

    private static void ShouldShowEveryPayloadOnItsOwnSafeLine(byte[] raw)
    {
        ShouldHoldNoControl(raw);
        string[] lines = Encoding.UTF8.GetString(raw).Split('\n');
        string[] evil = [.. lines.Where(l => l.Contains("EVIL", StringComparison.Ordinal))];
        evil.Length.ShouldBe(s_payloads.Length, "one line per message:\n" + string.Join('\n', evil));
        evil.ShouldAllBe(l => l.StartsWith("[#lobby] [Mallory]: EVIL", StringComparison.Ordinal));
        lines.Select(WithoutWindow).Where(l => l.StartsWith("[*]", StringComparison.Ordinal) || l.StartsWith("[!]", StringComparison.Ordinal))
            .ShouldAllBe(l => !l.Contains("Alice left") && !l.Contains("fake error") && !l.Contains("0000 0000"));
    }

    /// <summary>A line without its window prefix (<c>[#lobby] </c>), as a script that splits it off reads the rest.</summary>
    private static string WithoutWindow(string line) =>
        line.StartsWith("[#", StringComparison.Ordinal) || line.StartsWith("[@", StringComparison.Ordinal)
            ? line[(line.IndexOf("] ", StringComparison.Ordinal) + 2)..]
            : line;

    private static string Visible(string text) =>
        string.Concat(text.Select(c => c == '\n' || (c >= ' ' && c < '\u007F') ? c.ToString() : $"<U+{(int)c:X4}>"));

    /// <summary>No ESC, CR, BEL, C1 control, DEL, bidi control, zero-width or separator character reaches the terminal.</summary>
    private static void ShouldHoldNoControl(byte[] raw)
    {
        string text = Encoding.UTF8.GetString(raw);
        foreach (char c in text)
        {
            bool bad = (c < 0x20 && c != '\n') || c is >= '\u007F' and <= '\u009F'
                || c is '\u200B' or '\u200C' or '\u200D' or '\u200E' or '\u200F' or '\u061C' or '\u2028' or '\u2029' or '\u2060' or '\uFEFF'
                || c is >= '\u202A' and <= '\u202E' || c is >= '\u2066' and <= '\u2069';
            bad.ShouldBeFalse($"U+{(int)c:X4} reached the terminal:\n{Visible(text)}");
        }
    }
}
