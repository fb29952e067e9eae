using System.Text;

namespace SecureChat.Engine.Protocol;

/// <summary>
/// Plaintext layouts inside records (PROTOCOL.md, "Records"). Chat: text. Relay: sender digest (32) || u8 name
/// length || name || text. Nick: name. Presence: u8 kind || digest (32) || u8 length || name || u8 length || new
/// name. Close: u8 code || u64 records received. RekeyFinish, Heartbeat: empty. Names are 1-64 bytes of UTF-8,
/// text is UTF-8; invalid UTF-8 is a protocol error.
/// </summary>
internal static class RecordPayload
{
    public static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static int WriteChat(Span<byte> destination, string text) => StrictUtf8.GetBytes(text, destination);

    public static bool TryParseChat(ReadOnlySpan<byte> plaintext, out string text) => TryDecode(plaintext, out text);

    /// <summary>Relay: sender identity digest (32) || u8 name length || name || text.</summary>
    public static int WriteRelay(Span<byte> destination, ReadOnlySpan<byte> senderDigest, string sender, string text)
    {
        CheckDigest(senderDigest);
        senderDigest.CopyTo(destination);
        int offset = WireFormat.IdentityDigestSize + WriteName(destination[WireFormat.IdentityDigestSize..], sender, allowEmpty: false);
        return offset + StrictUtf8.GetBytes(text, destination[offset..]);
    }

    public static bool TryParseRelay(ReadOnlySpan<byte> plaintext, out byte[] senderDigest, out string sender, out string text)
    {
        senderDigest = [];
        sender = text = string.Empty;
        if (plaintext.Length < WireFormat.IdentityDigestSize)
        {
            return false;
        }

        senderDigest = plaintext[..WireFormat.IdentityDigestSize].ToArray();
        plaintext = plaintext[WireFormat.IdentityDigestSize..];
        return TryReadName(ref plaintext, allowEmpty: false, out sender) && TryDecode(plaintext, out text);
    }

    public static int WriteNick(Span<byte> destination, string name) => StrictUtf8.GetBytes(name, destination);

    public static bool TryParseNick(ReadOnlySpan<byte> plaintext, out string name)
    {
        name = string.Empty;
        return plaintext.Length is >= 1 and <= WireFormat.NameMax && TryDecode(plaintext, out name);
    }

    /// <summary>Presence: u8 kind || identity digest (32) || u8 length || name || u8 length || new name.</summary>
    public static int WritePresence(Span<byte> destination, PresenceKind kind, ReadOnlySpan<byte> digest, string name, string newName)
    {
        CheckDigest(digest);
        destination[0] = (byte)kind;
        digest.CopyTo(destination[1..]);
        int offset = 1 + WireFormat.IdentityDigestSize;
        offset += WriteName(destination[offset..], name, allowEmpty: false);
        return offset + WriteName(destination[offset..], newName, allowEmpty: true);
    }

    public static bool TryParsePresence(ReadOnlySpan<byte> plaintext, out PresenceKind kind, out byte[] digest, out string name, out string newName)
    {
        kind = default;
        digest = [];
        name = newName = string.Empty;
        if (plaintext.Length < 1 + WireFormat.IdentityDigestSize || plaintext[0] is < (byte)PresenceKind.Joined or > (byte)PresenceKind.Refused)
        {
            return false;
        }

        kind = (PresenceKind)plaintext[0];
        digest = plaintext.Slice(1, WireFormat.IdentityDigestSize).ToArray();
        plaintext = plaintext[(1 + WireFormat.IdentityDigestSize)..];
        return TryReadName(ref plaintext, allowEmpty: false, out name)
            && TryReadName(ref plaintext, allowEmpty: kind != PresenceKind.Renamed, out newName)
            && (kind == PresenceKind.Renamed || newName.Length == 0)
            && plaintext.IsEmpty;
    }

    private static void CheckDigest(ReadOnlySpan<byte> digest)
    {
        if (digest.Length != WireFormat.IdentityDigestSize)
        {
            throw new ArgumentException("an identity digest is 32 bytes", nameof(digest));
        }
    }

    /// <summary>True when a name is 1 to <see cref="WireFormat.NameMax"/> bytes of UTF-8 (and well-formed UTF-16).</summary>
    public static bool IsValidName(string name) => TryGetUtf8Length(name, out int count) && count is >= 1 and <= WireFormat.NameMax;

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

    private static int WriteName(Span<byte> destination, string name, bool allowEmpty)
    {
        int length = StrictUtf8.GetBytes(name, destination[1..]);
        if (length > WireFormat.NameMax || (length == 0 && !allowEmpty))
        {
            throw new ArgumentException("a name is 1 to 64 bytes of UTF-8", nameof(name));
        }

        destination[0] = (byte)length;
        return 1 + length;
    }

    private static bool TryReadName(ref ReadOnlySpan<byte> plaintext, bool allowEmpty, out string name)
    {
        name = string.Empty;
        if (plaintext.Length < 1)
        {
            return false;
        }

        int length = plaintext[0];
        if (length > WireFormat.NameMax || (length == 0 && !allowEmpty) || plaintext.Length < 1 + length)
        {
            return false;
        }

        if (!TryDecode(plaintext.Slice(1, length), out name))
        {
            return false;
        }

        plaintext = plaintext[(1 + length)..];
        return true;
    }

    private static bool TryDecode(ReadOnlySpan<byte> bytes, out string text)
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
