using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using SecureChat.Engine.Chat;

namespace SecureChat.Tui.Headless;

/// <summary>
/// The string escaping of <c>--json</c> lines (<see cref="JsonLine"/>), for <see cref="System.Text.Json.Utf8JsonWriter"/>:
/// what RFC 8259 section 7 requires (the quote, the backslash, U+0000 to U+001F; <c>\n</c>, <c>\t</c>, <c>\r</c> in
/// their short forms), and every code point the text mode shows as an escape (<see cref="SafeText.FirstNeutralised"/>:
/// other controls, bidirectional overrides, invisible fillers, tags, private use, lone surrogates; joiners, selectors,
/// skin tones and tags inside an emoji sequence are text there and here) as a <c>\uXXXX</c> escape (a surrogate pair for one above U+FFFF). So a JSON parser gets the text exactly as it was sent, while the
/// line holds nothing that acts on a terminal; everything else, other languages and emoji alike, is written as it
/// is (no HTML-style escaping of <c>&lt;</c>, <c>&amp;</c> or <c>'</c>). A lone surrogate cannot be carried by
/// valid UTF-8 output and is written as U+FFFD. Thread-safe (stateless).
/// </summary>
internal sealed class TerminalSafeJsonEncoder : JavaScriptEncoder
{
    /// <summary>What JSON escapes besides the controls, which <see cref="SafeText"/> escapes already.</summary>
    private static readonly SearchValues<char> s_jsonSpecials = SearchValues.Create("\"\\");

    public static TerminalSafeJsonEncoder Instance { get; } = new();

    private TerminalSafeJsonEncoder()
    {
    }

    /// <summary>One UTF-16 unit becomes at most one <c>\uXXXX</c> escape.</summary>
    public override int MaxOutputCharactersPerInputCharacter => 6;

    public override bool WillEncode(int unicodeScalar) =>
        unicodeScalar is '"' or '\\' or < 0x20 || !Rune.IsValid(unicodeScalar) || SafeText.IsNeutralised(new Rune(unicodeScalar));

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength) => FindFirst(new ReadOnlySpan<char>(text, textLength));

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten) =>
        TryEncode(unicodeScalar, new Span<char>(buffer, bufferLength), out numberOfCharactersWritten);

    /// <summary>
    /// The text with every character to escape escaped, as <see cref="System.Text.Json.Utf8JsonWriter"/> asks for it.
    /// The base class finds the first one in context, then decides every later one alone (<see cref="WillEncode"/>),
    /// which would escape the joiners and selectors of every emoji after the first escape; this searches again, in
    /// context, after each one. Each search stops at the next character to escape, so the work grows with the text's
    /// length, however many escapes a peer packs into it. A block that is not the last is left to the base class
    /// (its last code points' context is unknown; that way errs towards escaping).
    /// </summary>
    public override OperationStatus Encode(ReadOnlySpan<char> source, Span<char> destination, out int charsConsumed, out int charsWritten, bool isFinalBlock = true)
    {
        if (!isFinalBlock)
        {
            return base.Encode(source, destination, out charsConsumed, out charsWritten, isFinalBlock);
        }

        charsConsumed = 0;
        charsWritten = 0;
        while (charsConsumed < source.Length)
        {
            ReadOnlySpan<char> rest = source[charsConsumed..];
            int first = FindFirst(rest);
            int plain = first < 0 ? rest.Length : first;
            if (!rest[..plain].TryCopyTo(destination[charsWritten..]))
            {
                return OperationStatus.DestinationTooSmall;
            }

            charsConsumed += plain;
            charsWritten += plain;
            if (first < 0)
            {
                break;
            }

            // A lone surrogate goes to TryEncode as its own value, which writes U+FFFD.
            bool whole = Rune.DecodeFromUtf16(rest[plain..], out Rune rune, out int used) == OperationStatus.Done;
            int scalar = whole ? rune.Value : rest[plain];
            used = whole ? used : 1;
            if (!TryEncode(scalar, destination[charsWritten..], out int written))
            {
                return OperationStatus.DestinationTooSmall;
            }

            charsConsumed += used;
            charsWritten += written;
        }

        return OperationStatus.Done;
    }

    /// <summary>The first character to escape: a quote, a backslash or what <see cref="SafeText"/> escapes.</summary>
    private static int FindFirst(ReadOnlySpan<char> text) => SafeText.FirstNeutralised(text, s_jsonSpecials);

    private static bool TryEncode(int scalar, Span<char> destination, out int written)
    {
        string escaped = scalar switch
        {
            '"' => "\\\"",
            '\\' => @"\\",
            '\n' => "\\n",
            '\t' => "\\t",
            '\r' => "\\r",
            > 0xFFFF => Escape(char.ConvertFromUtf32(scalar)),
            _ when !Rune.IsValid(scalar) => "\\ufffd",
            _ => Escape(((char)scalar).ToString()),
        };
        written = 0;
        if (!escaped.AsSpan().TryCopyTo(destination))
        {
            return false;
        }

        written = escaped.Length;
        return true;
    }

    private static string Escape(string units) =>
        string.Concat(units.Select(unit => "\\u" + ((int)unit).ToString("x4", CultureInfo.InvariantCulture)));
}
