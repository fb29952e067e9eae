using System.Globalization;
using System.Text;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Chat;

/// <summary>
/// What a display name may be, and when two names are the same: the one place the rules live, used when a user picks
/// a name, when a server receives one, and when anything compares them. Thread-safe (pure).
/// </summary>
/// <remarks>
/// A valid name is in NFC (Unicode Standard Annex #15), 1 to <see cref="NameTextElementsMax"/> visible characters (text
/// elements, what a reader counts) and at most <see cref="NameMax"/> bytes of UTF-8 (the wire's limit); it holds
/// nothing <see cref="SafeText"/> would escape (controls, format and zero-width characters, separators, private-use,
/// unassigned or default-ignorable code points), no blank (whitespace, U+2800 BRAILLE PATTERN BLANK) but single spaces
/// between words. It cannot look like the start of one of our notices: it starts with a letter, a digit or an emoji
/// (<see cref="IsReservedStart"/>), never with <c>*</c>, <c>!</c>, <c>[</c>, a lookalike or a combining mark; and it
/// holds no <c>]</c>, <c>:</c>, bracket or lookalike (<see cref="IsReservedInside"/>), which could end the sender part
/// of <c>[name]: text</c> or <c>name: text</c> early.
/// Two names are the same when their <see cref="Key"/>s are equal: case-insensitively and after mapping lookalike
/// characters to one prototype (Unicode Technical Standard #39 skeletons, confusables.txt of Unicode
/// <see cref="UnicodeTables.Version"/>), so <c>Alice</c>, <c>alice</c>, <c>ALICE</c>, <c>AIice</c> (capital i) and
/// <c>Аlice</c> (Cyrillic A) cannot coexist on one server.
/// </remarks>
public static class NameRules
{
    /// <summary>
    /// The non-ASCII "other punctuation" (Po) a name may hold, because names are written with it: U+00B7 MIDDLE DOT
    /// (Catalan), U+055A ARMENIAN APOSTROPHE, U+05F3/U+05F4 HEBREW GERESH and GERSHAYIM, U+0F0B TIBETAN TSHEG,
    /// U+2027 HYPHENATION POINT and U+30FB KATAKANA MIDDLE DOT. None of them looks like <c>:</c>, <c>*</c> or a bracket.
    /// </summary>
    private static readonly int[] s_namePunctuation = [0x00B7, 0x055A, 0x05F3, 0x05F4, 0x0F0B, 0x2027, 0x30FB];

    /// <summary>Most visible characters (text elements) in a name.</summary>
    public const int NameTextElementsMax = WireFormat.NameTextElementsMax;

    /// <summary>Most UTF-8 bytes in a name (the wire's limit).</summary>
    public const int NameMax = WireFormat.NameMax;

    /// <summary>The comparison key as a function, for registries that index names (see <see cref="Key"/>).</summary>
    public static readonly Func<string, string> ComparisonKey = Key;

    /// <summary>The name in NFC.</summary>
    public static string Normalize(string name) => UnicodeTables.Nfc(name);

    /// <summary>True when <paramref name="name"/> is a valid name as it stands (already in NFC).</summary>
    public static bool IsValid(string name) => Problem(name) is null;

    /// <summary>
    /// Normalises <paramref name="requested"/> to NFC and checks it: true with the name to use, or false with a
    /// one-line reason a person can act on.
    /// </summary>
    public static bool TryValidate(string requested, out string name, out string problem)
    {
        ArgumentNullException.ThrowIfNull(requested);
        name = IsWellFormed(requested) ? Normalize(requested) : requested;
        problem = Problem(name) ?? string.Empty;
        return problem.Length == 0;
    }

    /// <summary>
    /// The key two names are compared by: equal keys mean the names look alike. It is the skeleton of the NFC form,
    /// upper-cased, skeletonised again and lower-cased, so case variants of lookalikes in either case meet
    /// (<c>AIice</c> with a capital i and <c>alice</c> both give <c>allce</c>).
    /// </summary>
    public static string Key(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string once = UnicodeTables.Skeleton(IsWellFormed(name) ? Normalize(name) : name);
        return UnicodeTables.Skeleton(once.ToUpperInvariant()).ToLowerInvariant();
    }

    /// <summary>True when the two names may not both be used on one server.</summary>
    public static bool AreConfusable(string first, string second) => string.Equals(Key(first), Key(second), StringComparison.Ordinal);

    /// <summary>
    /// A valid name as close as possible to <paramref name="requested"/> (which a peer may have sent in any form):
    /// NFC, without the characters the rules refuse, spaces collapsed, cut to the limits; <paramref name="fallback"/>
    /// when nothing valid is left.
    /// </summary>
    public static string Sanitize(string requested, string fallback)
    {
        ArgumentNullException.ThrowIfNull(requested);
        if (TryValidate(requested, out string valid, out _))
        {
            return valid;
        }

        var kept = new StringBuilder(requested.Length);
        foreach (int cp in SafeText.CodePoints(IsWellFormed(requested) ? Normalize(requested) : requested))
        {
            if (IsBlank(cp))
            {
                if (kept.Length > 0 && kept[^1] != ' ')
                {
                    kept.Append(' ');
                }
            }
            else if (!SafeText.IsNeutralised(cp) && !IsReservedInside(cp))
            {
                kept.Append(char.ConvertFromUtf32(cp));
            }
        }

        string name = kept.ToString().Trim();
        while (name.Length > 0 && IsReservedStart(char.ConvertToUtf32(name, 0)))
        {
            name = name[(char.IsSurrogatePair(name, 0) ? 2 : 1)..];
        }

        name = Truncate(Normalize(name).Trim(), NameTextElementsMax, NameMax).Trim();
        return IsValid(name) ? name : fallback;
    }

    /// <summary>
    /// The <paramref name="n"/>th alternative to a taken name: <c>-n</c> appended to the name cut (whole text
    /// elements, spaces at its end removed) so the whole stays within <see cref="NameTextElementsMax"/> text elements and
    /// <see cref="NameMax"/> bytes.
    /// </summary>
    public static string WithSuffix(string name, int n)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 2);
        string suffix = "-" + n.ToString(CultureInfo.InvariantCulture);
        return Truncate(name, NameTextElementsMax - suffix.Length, NameMax - suffix.Length).TrimEnd(' ') + suffix;
    }

    /// <summary>
    /// <paramref name="name"/> cut to at most <paramref name="maxTextElements"/> text elements and
    /// <paramref name="maxBytes"/> bytes of UTF-8, never inside a text element.
    /// </summary>
    public static string Truncate(string name, int maxTextElements, int maxBytes)
    {
        var kept = new StringBuilder();
        int elements = 0, bytes = 0;
        TextElementEnumerator e = StringInfo.GetTextElementEnumerator(name);
        while (e.MoveNext() && elements < maxTextElements)
        {
            string element = e.GetTextElement();
            int size = Encoding.UTF8.GetByteCount(element);
            if (bytes + size > maxBytes)
            {
                break;
            }

            kept.Append(element);
            elements++;
            bytes += size;
        }

        return kept.ToString();
    }

    /// <summary>
    /// True when a name may not start with <paramref name="codePoint"/>: anything but a letter (general category L), a
    /// number (N) or a pictograph of the emoji blocks (U+1F300-1F6FF, U+1F900-1FAFF). Our notices start with
    /// <c>*</c>, <c>!</c> or <c>[</c>, and so many symbols and punctuation marks look like those (U+2217, U+2731,
    /// U+FF0A, U+204E, U+FF01, U+3010, ...) that only an allowed class is safe.
    /// </summary>
    internal static bool IsReservedStart(int codePoint)
    {
        if (codePoint is >= 0x1F300 and <= 0x1F6FF or >= 0x1F900 and <= 0x1FAFF)
        {
            return CharUnicodeInfo.GetUnicodeCategory(codePoint) != UnicodeCategory.OtherSymbol;
        }

        return !IsSurrogate(codePoint) && CharUnicodeInfo.GetUnicodeCategory(codePoint) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
                or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => false,
            _ => true,
        };
    }

    /// <summary>
    /// True when a name may not hold <paramref name="codePoint"/> anywhere, because it is or looks like the <c>]</c>
    /// or <c>:</c> that ends the sender part of <c>[name]: text</c> or <c>name: text</c> (or the <c>[</c> that starts
    /// a notice), by explicit classes rather than only the confusables table: <c>:</c>; every opening and closing
    /// bracket (general categories Ps and Pe) but <c>(</c> and <c>)</c>; every non-ASCII mathematical or modifier
    /// symbol (Sm, Sk: U+2236 RATIO, U+A789 MODIFIER LETTER COLON, ...); every non-ASCII "other punctuation" (Po:
    /// U+1361 ETHIOPIC WORDSPACE, U+FE13 and U+FE55, the vertical and small colons, U+FF1A, ...) but the few marks
    /// names are written with (<see cref="s_namePunctuation"/>); and any character whose UTS #39 skeleton starts with
    /// <c>]</c> or <c>:</c> (U+02D0, U+0903, ...).
    /// </summary>
    internal static bool IsReservedInside(int codePoint)
    {
        if (IsSurrogate(codePoint))
        {
            return false;
        }

        if (codePoint is ':' or ']')
        {
            return true;
        }

        switch (CharUnicodeInfo.GetUnicodeCategory(codePoint))
        {
            case UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation:
                return codePoint is not ('(' or ')');
            case UnicodeCategory.MathSymbol or UnicodeCategory.ModifierSymbol when codePoint >= 0x80:
                return true;
            case UnicodeCategory.OtherPunctuation when codePoint >= 0x80:
                return Array.IndexOf(s_namePunctuation, codePoint) < 0;
        }

        if (codePoint < 0x80)
        {
            return false;
        }

        string skeleton = UnicodeTables.Skeleton(char.ConvertFromUtf32(codePoint));
        return skeleton.Length > 0 && skeleton[0] is ']' or ':';
    }

    /// <summary>
    /// True when <paramref name="codePoint"/> shows as blank space: whitespace, or U+2800 BRAILLE PATTERN BLANK (a
    /// symbol, not a space, that draws as nothing). A name holds no blank but single U+0020 spaces between words.
    /// </summary>
    internal static bool IsBlank(int codePoint) =>
        codePoint == 0x2800 || (codePoint <= 0xFFFF && !IsSurrogate(codePoint) && char.IsWhiteSpace((char)codePoint));

    private static bool IsSurrogate(int codePoint) => codePoint is >= 0xD800 and <= 0xDFFF;

    private static string? Problem(string name)
    {
        if (name.Length == 0)
        {
            return "a name cannot be empty";
        }

        if (!IsWellFormed(name))
        {
            return "a name must be valid Unicode text";
        }

        if (Encoding.UTF8.GetByteCount(name) > NameMax || new StringInfo(name).LengthInTextElements > NameTextElementsMax)
        {
            return $"a name is at most {NameTextElementsMax} characters ({NameMax} bytes of UTF-8)";
        }

        if (!string.Equals(name, Normalize(name), StringComparison.Ordinal))
        {
            return "a name must be in Unicode normal form C";
        }

        bool first = true;
        int previous = -1;
        foreach (int cp in SafeText.CodePoints(name))
        {
            if (cp == ' ')
            {
                if (first || previous == ' ')
                {
                    return "a name cannot start with a space or hold two spaces in a row";
                }
            }
            else if (SafeText.IsNeutralised(cp) || IsBlank(cp))
            {
                return $"a name cannot hold U+{cp:X4} (control, format, invisible, blank or separator characters are refused)";
            }
            else if (first && IsReservedStart(cp))
            {
                return "a name cannot start with *, ! or [ (nor with anything but a letter, a digit or an emoji)";
            }
            else if (IsReservedInside(cp))
            {
                return $"a name cannot hold U+{cp:X4}: brackets, colons and symbols that look like them are refused";
            }

            first = false;
            previous = cp;
        }

        return previous == ' ' ? "a name cannot end with a space" : null;
    }

    private static bool IsWellFormed(string text) => RecordPayload.TryGetUtf8Length(text, out _);
}
