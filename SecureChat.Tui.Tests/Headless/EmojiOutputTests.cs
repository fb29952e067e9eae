using System.Text;
using System.Text.Json;
using SecureChat.Engine.Transport;
using SecureChat.Tui.Tests.Support;

namespace SecureChat.Tui.Tests.Headless;

/// <summary>
/// Everyday emoji sequences from a peer on 127.0.0.1 print as the text they are, in a headless server's lines, a
/// headless client's lines and a <c>--json</c> client's lines; the same joiners, selectors, skin tones and tags dressed
/// up by an attacker to hide or reorder text still print as escapes, and no bidi control reaches the terminal.
/// </summary>
public sealed class EmojiOutputTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    private const string Everyday = "EMOJI 👍🏽 👩‍💻 ❤️ 🏳️‍🌈 🧑🏽‍💻 1️⃣ 🏴󠁧󠁢󠁳󠁣󠁴󠁿";

    /// <summary>(sent, printed): joiners next to bidi controls, a skin tone alone, a doubled selector, tags that spell hidden text.</summary>
    private static readonly (string Sent, string Printed)[] s_attacks =
    [
        ("ATTACK1 👍\u200D\u202Eevil\u202C", @"ATTACK1 👍\u{200D}\u{202E}evil\u{202C}"),
        ("ATTACK2 a\U0001F3FD \u200D👍 ❤\uFE0F\uFE0F", @"ATTACK2 a\u{1F3FD} \u{200D}👍 ❤️\u{FE0F}"),
        ("ATTACK3 🏴\U000E0070\U000E0061\U000E0079\U000E0020\U000E006D\U000E0065\U000E007F", @"ATTACK3 🏴\u{E0070}\u{E0061}\u{E0079}\u{E0020}\u{E006D}\u{E0065}\u{E007F}"),
        ("ATTACK4 👩\u2066\u200D💻\u2069", @"ATTACK4 👩\u{2066}\u{200D}💻\u{2069}"),
    ];

    [Fact]
    public async Task Emoji_sequences_print_as_text_on_every_side_and_an_attackers_sequence_as_escapes()
    {
        int port = AppUnderTest.FreePort();
        using RawOutputApp server = RawOutputApp.Start("--server", "--port", port.ToString(), "--headless", "--name", "Alice");
        server.WaitForOutput("[*] Waiting for client connection...", s_wait);
        using RawOutputApp bob = RawOutputApp.Start("--client", "localhost", port.ToString(), "--headless", "--name", "Bob");
        bob.WaitForOutput("[#lobby] [*] encryption: joined the group", s_wait);
        using RawOutputApp carol = RawOutputApp.Start("--client", "localhost", port.ToString(), "--json", "--name", "Carol");

        // Each reader is in #lobby's group before Mallory enters it: a member reads only the texts of epochs it was in,
        // and Mallory's texts go out in the epoch that added her, so Bob and Carol are in it.
        carol.WaitForOutput("\"kind\":\"joined\",\"room\":\"#lobby\"", s_wait);

        await using var mallory = new ChatClient(new ChatOptions { Name = "Mallory" });
        await mallory.ConnectAsync("127.0.0.1", port);
        bob.WaitForOutput("[*] Mallory joined", s_wait);
        await mallory.SendAsync(Everyday);
        foreach ((string sent, _) in s_attacks)
        {
            await mallory.SendAsync(sent);
        }

        await mallory.SendAsync("DONE");
        foreach (RawOutputApp side in new[] { server, bob })
        {
            side.WaitForOutput("[Mallory]: DONE", s_wait);
            string text = side.Output;
            output.WriteLine(text);
            text.ShouldContain("[Mallory]: " + Everyday + "\n", customMessage: "everyday emoji print as sent");
            foreach ((_, string printed) in s_attacks)
            {
                text.ShouldContain("[Mallory]: " + printed + "\n");
            }

            NoBidiControl(text);
        }

        carol.WaitForOutput("\"text\":\"DONE\"", s_wait);
        string[] json = [.. carol.Output.Split('\n').Where(l => l.Contains("\"from\":\"Mallory\"", StringComparison.Ordinal))];
        json.ShouldContain(l => l.Contains("\"text\":\"" + Everyday + "\"", StringComparison.Ordinal), "the JSON line holds the sequences themselves, not \\u escapes");
        foreach (string line in json)
        {
            output.WriteLine(line);
            NoBidiControl(line);
            JsonDocument.Parse(line);
        }

        foreach ((string sent, _) in s_attacks)
        {
            json.ShouldContain(l => JsonDocument.Parse(l).RootElement.GetProperty("text").GetString() == sent, "a JSON parser gets the text as it was sent");
        }

        bob.CloseInput();
        bob.WaitForExit(s_wait).ShouldBe(0);
        carol.CloseInput();
        carol.WaitForExit(s_wait).ShouldBe(0);
        server.WriteLine("exit");
        server.WaitForExit(s_wait).ShouldBe(0);
    }

    private static void NoBidiControl(string text)
    {
        foreach (Rune rune in text.EnumerateRunes())
        {
            bool bidi = rune.Value is >= 0x202A and <= 0x202E or >= 0x2066 and <= 0x2069 or 0x200E or 0x200F or 0x061C;
            bidi.ShouldBeFalse($"U+{rune.Value:X4} reached the terminal");
        }
    }
}
