namespace SecureChat.Engine.Protocol;

/// <summary>Nick (0x11, client to hub): the name asked for, 1 to 64 bytes of UTF-8 (the whole plaintext). Immutable.</summary>
internal readonly record struct NickRecord(string Name)
{
    public const int SizeMax = WireFormat.NameMax;

    public static int Write(Span<byte> destination, string name)
    {
        if (!RecordPayload.IsValidName(name))
        {
            throw new ArgumentException("a name is 1 to 64 bytes of UTF-8", nameof(name));
        }

        return RecordPayload.StrictUtf8.GetBytes(name, destination);
    }

    public static bool TryParse(ReadOnlySpan<byte> plaintext, out NickRecord record)
    {
        record = default;
        if (plaintext.Length is < 1 or > WireFormat.NameMax || !RecordPayload.TryDecode(plaintext, out string name))
        {
            return false;
        }

        record = new NickRecord(name);
        return true;
    }
}
