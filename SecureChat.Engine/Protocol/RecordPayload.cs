using System.Text;

namespace SecureChat.Engine.Protocol;

/// <summary>
/// The fields every record plaintext is built of (PROTOCOL.md 4.1), in one place: <c>str8</c> (u8 length || UTF-8),
/// <c>room</c> (a str8 that is empty or 2 to <see cref="WireFormat.RoomMax"/> bytes) and <c>digest</c> (32 bytes).
/// Readers check every length against what is left before they read, and refuse invalid UTF-8; they never throw on
/// peer bytes. Writers throw <see cref="ArgumentException"/> for a caller's bad field (a name too long, a digest of the
/// wrong size), except for str8 texts, which are cut at a character boundary, as a hub cuts a long reason or topic.
/// Pure and thread-safe.
/// </summary>
internal static class RecordPayload
{
    public static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The largest <c>room</c> field: its length byte and the longest room name.</summary>
    public const int RoomFieldMax = 1 + WireFormat.RoomMax;

    /// <summary>The largest <c>str8</c> name field.</summary>
    public const int NameFieldMax = 1 + WireFormat.NameMax;

    /// <summary>The largest <c>str8</c> text field.</summary>
    public const int TextFieldMax = 1 + WireFormat.FieldTextMax;

    /// <summary>True when a name is 1 to <see cref="WireFormat.NameMax"/> bytes of UTF-8 (and well-formed UTF-16).</summary>
    public static bool IsValidName(string name) => TryGetUtf8Length(name, out int count) && count is >= 1 and <= WireFormat.NameMax;

    /// <summary>True when a room field can hold <paramref name="room"/>: empty, or 2 to <see cref="WireFormat.RoomMax"/> bytes of UTF-8.</summary>
    public static bool IsValidRoomField(string room) => TryGetUtf8Length(room, out int count) && (count == 0 || count is >= 2 and <= WireFormat.RoomMax);

    /// <summary>The UTF-8 length of <paramref name="text"/>; false when it holds a lone surrogate (not encodable).</summary>
    public static bool TryGetUtf8Length(string text, out int length)
    {
        try
        {
            length = StrictUtf8.GetByteCount(text);
            return true;
        }
        catch (EncoderFallbackException)
        {
            length = 0;
            return false;
        }
    }

    /// <summary>True when all 32 bytes of a digest are zero: "nobody".</summary>
    public static bool IsNobody(ReadOnlySpan<byte> digest) => !digest.ContainsAnyExcept((byte)0);

    // ---- Writing ------------------------------------------------------------------------------------------------

    /// <summary>A name as str8, 1 to 64 bytes (or 0 when <paramref name="allowEmpty"/>).</summary>
    public static int WriteName(Span<byte> destination, string name, bool allowEmpty = false)
    {
        if (!TryGetUtf8Length(name, out int length) || length > WireFormat.NameMax || (length == 0 && !allowEmpty))
        {
            throw new ArgumentException("a name is 1 to 64 bytes of UTF-8", nameof(name));
        }

        destination[0] = (byte)length;
        StrictUtf8.GetBytes(name, destination[1..]);
        return 1 + length;
    }

    /// <summary>A room as its field: empty, or a name of 2 to 64 bytes.</summary>
    public static int WriteRoom(Span<byte> destination, string room)
    {
        if (!IsValidRoomField(room))
        {
            throw new ArgumentException("a room is empty or 2 to 64 bytes of UTF-8", nameof(room));
        }

        int length = StrictUtf8.GetBytes(room, destination[1..]);
        destination[0] = (byte)length;
        return 1 + length;
    }

    /// <summary>A text as str8, cut after its last whole character that fits in <see cref="WireFormat.FieldTextMax"/> bytes.</summary>
    public static int WriteFieldText(Span<byte> destination, string text)
    {
        int length = 0;
        foreach (System.Text.Rune rune in text.EnumerateRunes())
        {
            if (length + rune.Utf8SequenceLength > WireFormat.FieldTextMax)
            {
                break;
            }

            length += rune.EncodeToUtf8(destination[(1 + length)..]);
        }

        destination[0] = (byte)length;
        return 1 + length;
    }

    /// <summary>An identity digest (32 bytes).</summary>
    public static int WriteDigest(Span<byte> destination, ReadOnlySpan<byte> digest)
    {
        if (digest.Length != WireFormat.IdentityDigestSize)
        {
            throw new ArgumentException("an identity digest is 32 bytes", nameof(digest));
        }

        digest.CopyTo(destination);
        return WireFormat.IdentityDigestSize;
    }

    // ---- Reading ------------------------------------------------------------------------------------------------

    /// <summary>A str8 of <paramref name="min"/> to <paramref name="max"/> bytes of valid UTF-8; moves past it.</summary>
    public static bool TryReadStr8(ref ReadOnlySpan<byte> plaintext, int min, int max, out string value)
    {
        value = string.Empty;
        if (plaintext.IsEmpty)
        {
            return false;
        }

        int length = plaintext[0];
        if (length < min || length > max || plaintext.Length < 1 + length || !TryDecode(plaintext.Slice(1, length), out value))
        {
            return false;
        }

        plaintext = plaintext[(1 + length)..];
        return true;
    }

    /// <summary>A name (1 to 64 bytes, or 0 to 64 when <paramref name="allowEmpty"/>).</summary>
    public static bool TryReadName(ref ReadOnlySpan<byte> plaintext, bool allowEmpty, out string name) =>
        TryReadStr8(ref plaintext, allowEmpty ? 0 : 1, WireFormat.NameMax, out name);

    /// <summary>A room field: empty, or 2 to 64 bytes of UTF-8 (n = 1 or more is a malformed record).</summary>
    public static bool TryReadRoom(ref ReadOnlySpan<byte> plaintext, out string room)
    {
        room = string.Empty;
        return !plaintext.IsEmpty && plaintext[0] != 1 && TryReadStr8(ref plaintext, 0, WireFormat.RoomMax, out room);
    }

    /// <summary>A str8 text (0 to 255 bytes).</summary>
    public static bool TryReadFieldText(ref ReadOnlySpan<byte> plaintext, out string text) =>
        TryReadStr8(ref plaintext, 0, WireFormat.FieldTextMax, out text);

    /// <summary>An identity digest (a copy).</summary>
    public static bool TryReadDigest(ref ReadOnlySpan<byte> plaintext, out byte[] digest)
    {
        digest = [];
        if (plaintext.Length < WireFormat.IdentityDigestSize)
        {
            return false;
        }

        digest = plaintext[..WireFormat.IdentityDigestSize].ToArray();
        plaintext = plaintext[WireFormat.IdentityDigestSize..];
        return true;
    }

    /// <summary>Strict UTF-8 decoding: false on any invalid sequence.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, out string text)
    {
        try
        {
            text = StrictUtf8.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = string.Empty;
            return false;
        }
    }
}
