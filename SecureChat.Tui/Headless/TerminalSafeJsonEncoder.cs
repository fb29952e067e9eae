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

    private int FindFirst(ReadOnlySpan<char> text)
    {
        int neutralised = SafeText.FirstNeutralised(text);
        int end = neutralised < 0 ? text.Length : neutralised;
        for (int i = 0; i < end;)
        {
            if (Rune.DecodeFromUtf16(text[i..end], out Rune rune, out int used) != System.Buffers.OperationStatus.Done || rune.Value is '"' or '\\' or < 0x20)
            {
                return i;
            }

            i += used;
        }

        return neutralised;
    }

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
