using SecureChat.Engine.Chat;
using SecureChat.Engine.Identity;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Transport;
using SecureChat.Engine.Tests.Identity;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// Live attacks on names with the characters our lines are drawn with: a raw client on 127.0.0.1 asks a real
/// <see cref="ChatServer"/> for a name holding a lookalike of <c>]</c>, <c>:</c>, <c>*</c> or <c>[</c> that the
/// confusables table does not map (a member named <c>Peer identity of Alice፡</c> could make a <c>/me</c> line read
/// like a notice), or a name of braille blanks. The server must give it a valid name without them.
/// </summary>
public sealed class NameLookalikeAttackTests(ITestOutputHelper output)
{
    /// <summary>Lookalikes of the four characters, where each one could forge the shape of a line.</summary>
    public static readonly string[] Lookalikes =
    [
        "Peer identity of Alice\u1361", // ETHIOPIC WORDSPACE, the reported one
        "Alice\uFF1A hi", "Alice\uFE13 hi", "Alice\uFE55 hi", "Alice\u2236 hi", "Alice\u0589 hi", "Alice\u05C3 hi",
        "Alice\u0703 hi", "Alice\u1804 hi", "Alice\u205A hi", "Alice\uFE30 hi", "Alice\u16EC hi", "Alice\u02D0 hi",
        "Alice\uFF3D", "Alice\u3011", "Alice\u27E7", "Alice\u3015", "Alice\u3017", "Alice\u301B", "Alice\uFE48",
        "Alice\u2046", "Alice\u298C",
        "\uFF3BAlice", "\u3010Alice", "\u27E6Alice", "\u3014Alice", "\u301AAlice", "\uFE47Alice", "\u2045Alice",
        "\uFF0AAlice", "\u2731Alice", "\u2217Alice", "\u204EAlice", "\u066DAlice", "\u2055Alice", "\uA673Alice",
        "\u2732Alice", "\u2733Alice", "\u273DAlice", "\u26B9Alice", "\u2051Alice", "\uFE61Alice", "\uFE57Alice",
    ];

    [Fact]
    public async Task A_peer_cannot_hold_a_lookalike_of_the_characters_our_lines_are_drawn_with()
    {
        await using LiveServer live = LiveServer.Start();
        var kept = new List<string>();
        foreach (string requested in Lookalikes)
        {
            string given = await JoinAs(live, requested);
            NameRules.IsValid(given).ShouldBeTrue(given);
            if (given == requested)
            {
                kept.Add(requested);
            }
        }

        output.WriteLine($"names kept as asked: {kept.Count} of {Lookalikes.Length}: {string.Join(", ", kept.Select(Escape))}");
        kept.ShouldBeEmpty();
        await live.ShouldStillServeAnHonestClient();
    }

    [Theory]
    [InlineData("\u2800\u2800\u2800", "Client")]
    [InlineData("Bob\u2800\u2800", "Bob")]
    [InlineData("\u2800Bob \u2800 Smith", "Bob Smith")]
    public async Task Braille_blanks_count_as_blank_in_a_name(string requested, string expected)
    {
        await using LiveServer live = LiveServer.Start();
        string given = await JoinAs(live, requested);
        output.WriteLine($"asked {Escape(requested)}, given {Escape(given)}");
        given.ShouldBe(expected);
    }

    [Fact]
    public async Task A_name_with_a_braille_blank_is_not_granted_while_its_owner_is_away()
    {
        using TempDirectory temp = new();
        var names = new NameRegistry(ConfigDirectory.OpenPath(temp.Combine("c")), NameRules.ComparisonKey);
        names.Claim("Bob", TrustKeys.Key("bob"), _ => false);
        await using LiveServer live = LiveServer.Start(new ChatOptions { ClaimName = (r, k, inUse) => names.Claim(r, k, inUse) });

        string given = await JoinAs(live, "Bob\u2800");
        output.WriteLine($"asked Bob+U+2800 while Bob was away, given {Escape(given)}");
        given.ShouldBe("Bob-2");
    }

    [Fact]
    public async Task A_full_length_name_is_not_granted_to_another_identity_while_its_owner_is_away()
    {
        using TempDirectory temp = new();
        var names = new NameRegistry(ConfigDirectory.OpenPath(temp.Combine("c")), NameRules.ComparisonKey);
        string full = "Alice the operations manager ok!"; // 32 characters, the most a name holds
        names.Claim(full, TrustKeys.Key("alice"), _ => false).ShouldBe(full);
        await using LiveServer live = LiveServer.Start(new ChatOptions { ClaimName = (r, k, inUse) => names.Claim(r, k, inUse) });

        string given = await JoinAs(live, full);
        output.WriteLine($"asked Alice's 32-character name while she was away, given \"{given}\"");
        given.ShouldBe("Alice the operations manager o-2");
    }

    private static async Task<string> JoinAs(LiveServer live, string requested)
    {
        await using RawClient client = await RawClient.ConnectAsync(live.Port, new SessionSettings { Role = SessionRole.Client, Name = requested });
        (await client.HandshakeAsync()).ShouldBeTrue();
        var events = new List<SessionEvent>(client.Events);
        while (true)
        {
            if (events.OfType<PresenceEvent>().FirstOrDefault(p => p.Kind == PresenceKind.You) is { } you)
            {
                return you.Name;
            }

            byte[] frame = await client.ReadFrameAsync() ?? throw new ShouldAssertException("the server closed without telling the peer its name");
            client.Session.Receive(frame);
            client.Session.DrainEvents(events);
        }
    }

    private static string Escape(string name) =>
        string.Concat(name.Select(c => c < 0x80 ? c.ToString() : $"U+{(int)c:X4}"));
}
