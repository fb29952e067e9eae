using System.Buffers.Binary;

namespace SecureChat.Engine.Protocol;

/// <summary>Alert body (handshake only, in the clear), exactly 5 bytes: u8 code || u32 detail (big-endian).</summary>
internal readonly record struct AlertMessage(AlertCode Code, uint Detail)
{
    public const int Size = 5;

    public void Write(Span<byte> destination)
    {
        destination[0] = (byte)Code;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], Detail);
    }

    public static bool TryParse(ReadOnlySpan<byte> body, out AlertMessage alert)
    {
        alert = default;
        if (body.Length != Size)
        {
            return false;
        }

        alert = new AlertMessage((AlertCode)body[0], BinaryPrimitives.ReadUInt32BigEndian(body[1..]));
        return true;
    }
}
