using SecureChat.Engine.Chat;

namespace SecureChat.Engine.Tests.Chat;

public sealed class NameRulesTests
{
    [Theory]
    [InlineData("Alice")]
    [InlineData("Bob Smith")]
    [InlineData("Zoë")]
    [InlineData("你好")]
    [InlineData("😀")]
    [InlineData("Jean-Luc_2")]
    [InlineData("a")]
    [InlineData("12345678901234567890123456789012")] // 32 characters
    [InlineData("Server")]
    [InlineData("O'Brien")]
    [InlineData("Bob (work)")]
    [InlineData("Paral·lel")] // Catalan middle dot
    [InlineData("ジョン・スミス")] // katakana middle dot
    [InlineData("ג׳ון")] // Hebrew geresh
    [InlineData("Zoë 😀")]
    public void Ordinary_names_are_valid(string name) => NameRules.IsValid(name).ShouldBeTrue(name);

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(" Alice")]
    [InlineData("Alice ")]
    [InlineData("Al  ice")]
    [InlineData("Alice\u200b")]
    [InlineData("\u2060")]
    [InlineData("Al\u202Eice")]
    [InlineData("Al\tice")]
    [InlineData("Al\nice")]
    [InlineData("Al\u00A0ice")]
    [InlineData("Al\u3164ice")]
    [InlineData("*")]
    [InlineData("* Bob")]
    [InlineData("!admin")]
    [InlineData("[*]")]
    [InlineData("∗star")] // U+2217 looks like *
    [InlineData("！bang")] // U+FF01 looks like !
    [InlineData("Eve]")]
    [InlineData("Eve: hi")]
    [InlineData("Eve\uA789 hi")] // MODIFIER LETTER COLON
    [InlineData("\u0301x")]
    [InlineData("\u2800\u2800\u2800")] // braille blanks
    [InlineData("Bob\u2800")]
    [InlineData("Peer identity of Alice\u1361")] // ETHIOPIC WORDSPACE, a colon by its shape
    [InlineData("Eve\uFE13")] // vertical colon
    [InlineData("Eve\u3011")] // CJK bracket
    [InlineData("Eve{x}")]
    [InlineData("\u2731Eve")] // heavy asterisk
    [InlineData("(Eve)")]
    [InlineData("_Eve")]
    [InlineData("e\u0301")] // not NFC as it stands
    [InlineData("123456789012345678901234567890123")] // 33 characters
    public void Names_that_could_hide_forge_or_confuse_are_invalid(string name) => NameRules.IsValid(name).ShouldBeFalse(name);

    [Fact]
    public void A_name_with_a_lone_surrogate_is_invalid()
    {
        NameRules.IsValid("Al\uD800ice").ShouldBeFalse();
        NameRules.TryValidate("\uDC00", out _, out string problem).ShouldBeFalse();
        problem.ShouldContain("valid Unicode");
        NameRules.Sanitize("Bob\uD800", "Client").ShouldBe("Bob");
    }

    [Fact]
    public void A_name_is_normalised_to_nfc_before_it_is_checked()
    {
        NameRules.TryValidate("Zoe\u0308", out string name, out string problem).ShouldBeTrue(problem);
        name.ShouldBe("Zoë");
    }

    [Fact]
    public void A_refused_name_comes_with_a_reason()
    {
        NameRules.TryValidate("*", out _, out string problem).ShouldBeFalse();
        problem.ShouldContain("cannot start with *, ! or [ (nor with anything but a letter, a digit or an emoji)");
        NameRules.TryValidate("Alice\u200b", out _, out problem).ShouldBeFalse();
        problem.ShouldContain("U+200B");
    }

    [Theory]
    [InlineData("Alice", "alice")]
    [InlineData("Alice", "ALICE")]
    [InlineData("Alice", "Аlice")] // Cyrillic A
    [InlineData("Alice", "AIice")] // capital i
    [InlineData("Alice", "A1ice")]
    [InlineData("alice", "AIICE")]
    [InlineData("Alice", "Alice\u200b")]
    [InlineData("Zoë", "Zoe\u0308")]
    [InlineData("rn", "m")]
    [InlineData("paypal", "PAYPAL")]
    public void Lookalike_names_have_the_same_key(string first, string second)
    {
        NameRules.AreConfusable(first, second).ShouldBeTrue($"{NameRules.Key(first)} / {NameRules.Key(second)}");
        NameRules.ComparisonKey(first).ShouldBe(NameRules.Key(second));
    }

    [Theory]
    [InlineData("Alice", "Bob")]
    [InlineData("Alice", "Alicia")]
    [InlineData("Bob", "Bob-2")]
    public void Different_names_have_different_keys(string first, string second) =>
        NameRules.AreConfusable(first, second).ShouldBeFalse();

    [Theory]
    [InlineData("Alice", "Alice")]
    [InlineData("Alice\u200b", "Alice")]
    [InlineData("*", "Client")]
    [InlineData("\u2060", "Client")]
    [InlineData("* Bob", "Bob")]
    [InlineData("  Bob   Smith ", "Bob Smith")]
    [InlineData("Eve]: hi", "Eve hi")]
    [InlineData("Zoe\u0308", "Zoë")]
    [InlineData("123456789012345678901234567890123456", "12345678901234567890123456789012")]
    [InlineData("\u202EAlice", "Alice")]
    [InlineData("\u2800Bob\u2800\u2800Smith\u2800", "Bob Smith")]
    [InlineData("\uFF3BBob\uFF3D", "Bob")]
    [InlineData("(Bob)", "Bob)")]
    public void Sanitize_turns_any_requested_name_into_a_valid_one(string requested, string expected)
    {
        string name = NameRules.Sanitize(requested, "Client");
        name.ShouldBe(expected);
        NameRules.IsValid(name).ShouldBeTrue();
    }

    [Theory]
    [InlineData("Bob", 2, "Bob-2")]
    [InlineData("Alice the operations manager ok!", 2, "Alice the operations manager o-2")]
    [InlineData("Alice the operations manager ok!", 10, "Alice the operations manager-10")]
    [InlineData("😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀", 2, "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀-2")]
    public void A_suffixed_name_stays_within_the_limits_and_is_the_same_from_the_registry(string name, int n, string expected)
    {
        NameRules.WithSuffix(name, n).ShouldBe(expected);
        NameRules.IsValid(expected).ShouldBeTrue();
        SecureChat.Engine.Identity.NameRegistry.WithSuffix(name, n).ShouldBe(expected);
    }

    [Fact]
    public void Truncate_never_cuts_a_character_in_two()
    {
        NameRules.Truncate("ab😀c", 3, 64).ShouldBe("ab😀");
        NameRules.Truncate("ab😀c", 32, 5).ShouldBe("ab");
        NameRules.Truncate("e\u0301e\u0301", 1, 64).ShouldBe("e\u0301");
    }
}
