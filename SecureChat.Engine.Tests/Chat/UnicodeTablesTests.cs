using SecureChat.Engine.Chat;

namespace SecureChat.Engine.Tests.Chat;

/// <summary>Normalisation and skeletons; expected values from UAX #15 and UTS #39 (confusables.txt) examples.</summary>
public sealed class UnicodeTablesTests
{
    [Theory]
    [InlineData("e\u0301", "\u00E9")]
    [InlineData("\u00E9", "\u00E9")]
    [InlineData("\u212B", "\u00C5")] // ANGSTROM SIGN is a singleton: never composed back
    [InlineData("\u1E0B\u0323", "\u1E0D\u0307")] // UAX #15 figure: d with dot above and dot below
    [InlineData("q\u0307\u0323", "q\u0323\u0307")] // canonical ordering, nothing to compose
    [InlineData("\u1100\u1161\u11A8", "\uAC01")] // Hangul L V T
    [InlineData("A\u030A\u0301", "\u01FA")]
    [InlineData("\u0958", "\u0915\u093C")] // composition exclusion stays decomposed
    [InlineData("plain ascii", "plain ascii")]
    public void Nfc_matches_the_standard(string text, string expected) => UnicodeTables.Nfc(text).ShouldBe(expected);

    [Theory]
    [InlineData("\u00E9", "e\u0301")]
    [InlineData("\uAC01", "\u1100\u1161\u11A8")]
    [InlineData("\u1E0D\u0307", "d\u0323\u0307")]
    public void Nfd_matches_the_standard(string text, string expected) => UnicodeTables.Nfd(text).ShouldBe(expected);

    [Theory]
    [InlineData("Аlice", "Alice")] // Cyrillic A
    [InlineData("Alice\u200B", "Alice")] // default ignorable removed
    [InlineData("ℝ𝓊𝓈𝓉", "Rust")]
    [InlineData("paypal", "paypa1")]
    [InlineData("ℓ", "l")]
    public void Lookalikes_share_a_skeleton(string first, string second) =>
        UnicodeTables.Skeleton(first).ShouldBe(UnicodeTables.Skeleton(second));

    [Fact]
    public void The_tables_are_of_the_named_unicode_version() => UnicodeTables.Version.ShouldBe("17.0.0");

    [Theory]
    [InlineData(0x00AD, true)]
    [InlineData(0x200B, true)]
    [InlineData(0x2060, true)]
    [InlineData(0x3164, true)]
    [InlineData(0xE0001, true)]
    [InlineData(0x0041, false)]
    [InlineData(0x0301, false)]
    public void Default_ignorable_code_points_are_known(int codePoint, bool expected) =>
        UnicodeTables.IsDefaultIgnorable(codePoint).ShouldBe(expected);
}
