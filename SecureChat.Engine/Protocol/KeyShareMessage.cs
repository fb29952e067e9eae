namespace SecureChat.Engine.Protocol;

/// <summary>
/// The body of KeyShare, Reveal, RekeyInit and RekeyAck: nonce (32) || public value (exactly the group's
/// element size). Parsing only splits and checks lengths; the value itself is validated by the DH code.
/// </summary>
internal static class KeyShareMessage
{
    public static int Size(int elementSize) => WireFormat.NonceSize + elementSize;

    public static void Write(Span<byte> destination, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> publicValue)
    {
        nonce.CopyTo(destination);
        publicValue.CopyTo(destination[WireFormat.NonceSize..]);
    }

    public static bool TrySplit(ReadOnlySpan<byte> body, int elementSize, out ReadOnlySpan<byte> nonce, out ReadOnlySpan<byte> publicValue)
    {
        nonce = default;
        publicValue = default;
        if (body.Length != Size(elementSize))
        {
            return false;
        }

        nonce = body[..WireFormat.NonceSize];
        publicValue = body[WireFormat.NonceSize..];
        return true;
    }
}
