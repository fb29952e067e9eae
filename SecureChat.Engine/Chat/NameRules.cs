using System.Globalization;
using System.Text;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Chat;

/// <summary>
/// What a display name may be, and when two names are the same: the one place the rules live, used when a user picks
/// a name, when a server receives one, and when anything compares them. Thread-safe (pure).
/// </summary>
/// <remarks>
/// A valid name is in NFC (Unicode Standard Annex #15), 1 to <see cref="MaxTextElements"/> visible characters (text
/// elements, what a reader counts) and at most <see cref="MaxBytes"/> bytes of UTF-8 (the wire's limit); it holds
/// nothing <see cref="SafeText"/> would escape (controls, format and zero-width characters, separators, private-use,
/// unassigned or default-ignorable code points), no whitespace but single spaces between words, and does not start
/// with a combining mark. It cannot look like the start of one of our notices: it does not start with <c>*</c>,
/// <c>!</c> or <c>[</c> (nor a lookalike such as U+2217 or U+FF01), and it holds no <c>]</c> or <c>:</c> (nor a
/// lookalike), which could end the sender part of <c>[name]: text</c> or <c>name: text</c> early.
/// Two names are the same when their <see cref="Key"/>s are equal: case-insensitively and after mapping lookalike
/// characters to one prototype (Unicode Technical Standard #39 skeletons, confusables.txt of Unicode
/// <see cref="UnicodeTables.Version"/>), so <c>Alice</c>, <c>alice</c>, <c>ALICE</c>, <c>AIice</c> (capital i) and
/// <c>Аlice</c> (Cyrillic A) cannot coexist on one server.
/// </remarks>
public static class NameRules
{
    /// <summary>Most visible characters (text elements) in a name.</summary>
    public const int MaxTextElements = 32;

    /// <summary>Most UTF-8 bytes in a name (the wire's limit).</summary>
    public const int MaxBytes = WireFormat.NameMax;

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
            bool space = cp == ' ' || (cp <= 0xFFFF && char.IsWhiteSpace((char)cp));
            if (space)
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
        while (name.Length > 0 && (IsReservedStart(char.ConvertToUtf32(name, 0)) || IsMark(char.ConvertToUtf32(name, 0)) || name[0] == ' '))
        {
            name = name[(char.IsSurrogatePair(name, 0) ? 2 : 1)..];
        }

        name = Truncate(Normalize(name).Trim(), MaxTextElements, MaxBytes).Trim();
        return IsValid(name) ? name : fallback;
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

    /// <summary>True when a name may not start with <paramref name="codePoint"/>: a character our notices start with, or a lookalike.</summary>
    internal static bool IsReservedStart(int codePoint) => StartsWithAny(codePoint, "*![");

    /// <summary>True when a name may not hold <paramref name="codePoint"/> anywhere: <c>]</c>, <c>:</c> or a lookalike.</summary>
    internal static bool IsReservedInside(int codePoint) => StartsWithAny(codePoint, "]:");

    private static bool StartsWithAny(int codePoint, string reserved)
    {
        if (codePoint is >= 0xD800 and <= 0xDFFF)
        {
            return false;
        }

        if (codePoint < 0x80)
        {
            return reserved.Contains((char)codePoint, StringComparison.Ordinal);
        }

        string skeleton = UnicodeTables.Skeleton(char.ConvertFromUtf32(codePoint));
        return skeleton.Length > 0 && reserved.Contains(skeleton[0], StringComparison.Ordinal);
    }

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

        if (Encoding.UTF8.GetByteCount(name) > MaxBytes || new StringInfo(name).LengthInTextElements > MaxTextElements)
        {
            return $"a name is at most {MaxTextElements} characters ({MaxBytes} bytes of UTF-8)";
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
            else if (SafeText.IsNeutralised(cp) || (cp <= 0xFFFF && char.IsWhiteSpace((char)cp)))
            {
                return $"a name cannot hold U+{cp:X4} (control, format, invisible or separator characters are refused)";
            }
            else if (first && (IsReservedStart(cp) || IsMark(cp)))
            {
                return "a name cannot start with *, ! or [ (or a lookalike), nor with a combining mark";
            }
            else if (IsReservedInside(cp))
            {
                return "a name cannot hold ] or : (or a lookalike)";
            }

            first = false;
            previous = cp;
        }

        return previous == ' ' ? "a name cannot end with a space" : null;
    }

    internal static bool IsMark(int codePoint) => CharUnicodeInfo.GetUnicodeCategory(codePoint)
        is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;

    private static bool IsWellFormed(string text) => RecordPayload.TryGetUtf8Length(text, out _);
}
