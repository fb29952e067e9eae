using SecureChat.Engine.Crypto;
using SecureChat.Engine.Session.Trust;
using System.Globalization;
using System.Text;

namespace SecureChat.Engine.Identity;

/// <summary>
/// One field of a trust-file line, as a single token a person can read. Names come from peers and may hold spaces,
/// line breaks, '#' or bidi controls; written raw, a name with a line break could add a forged line (a pin, a
/// name owner) and a leading '#' would turn a line into a comment. So '%', every space, control, format (bidi,
/// zero-width) and separator character, and a leading '#', are written as %XX of their UTF-8 bytes; everything
/// else is written as it is. Also the parsers shared by the trust files. Stateless and thread-safe.
/// </summary>
internal static class FieldText
{
    public static string Escape(string value)
    {
        StringBuilder builder = new(value.Length);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (Rune rune in value.EnumerateRunes())
        {
            if (NeedsEscape(rune, builder.Length == 0))
            {
                int count = rune.EncodeToUtf8(utf8);
                for (int i = 0; i < count; i++)
                {
                    builder.Append('%').Append(utf8[i].ToString("X2", CultureInfo.InvariantCulture));
                }
            }
            else
            {
                builder.Append(rune.ToString());
            }
        }

        return builder.ToString();
    }

    /// <summary>Reverses <see cref="Escape"/>; false for a bad %XX or bytes that are not UTF-8.</summary>
    public static bool TryUnescape(string token, out string value)
    {
        value = "";
        if (!token.Contains('%'))
        {
            value = token;
            return true;
        }

        List<byte> bytes = new(token.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < token.Length; i++)
        {
            if (token[i] == '%')
            {
                if (i + 2 >= token.Length || !byte.TryParse(token.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte b))
                {
                    return false;
                }

                bytes.Add(b);
                i += 2;
            }
            else if (Rune.TryGetRuneAt(token, i, out Rune rune))
            {
                int count = rune.EncodeToUtf8(utf8);
                for (int j = 0; j < count; j++)
                {
                    bytes.Add(utf8[j]);
                }

                i += rune.Utf16SequenceLength - 1;
            }
            else
            {
                return false;
            }
        }

        try
        {
            value = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes.ToArray());
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>The whitespace-separated fields of a record line; null for a blank or comment line.</summary>
    public static string[]? Fields(string line)
    {
        string[] fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return fields.Length == 0 || fields[0].StartsWith('#') ? null : fields;
    }

    /// <summary>A 32-byte public key in standard base64.</summary>
    public static bool TryParseKey(string token, out byte[] key)
    {
        key = new byte[IdentityFingerprint.PublicKeySize];
        return token.Length == 44 && Convert.TryFromBase64String(token, key, out int written) && written == key.Length;
    }

    public static bool TryParseState(string token, out TrustState state)
    {
        state = token switch
        {
            "known" => TrustState.Known,
            "verified" => TrustState.Verified,
            _ => TrustState.New,
        };
        return state != TrustState.New;
    }

    public static string StateWord(TrustState state) => state switch
    {
        TrustState.Known => "known",
        TrustState.Verified => "verified",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "only known and verified are stored"),
    };

    /// <summary>An ISO 8601 date (yyyy-MM-dd); null when absent or malformed (the date is informational).</summary>
    public static DateOnly? ParseDate(string[] fields, int index) =>
        fields.Length > index && DateOnly.TryParseExact(fields[index], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date)
            ? date
            : null;

    public static string FormatDate(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static DateOnly Today(TimeProvider time) => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    private static bool NeedsEscape(Rune rune, bool first)
    {
        if (rune.Value == '%' || (first && rune.Value == '#') || Rune.IsWhiteSpace(rune) || Rune.IsControl(rune))
        {
            return true;
        }

        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.Format or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator or UnicodeCategory.SpaceSeparator or UnicodeCategory.Surrogate;
    }
}
