using System.Text;

namespace SecureChat.Engine.Protocol;

/// <summary>
/// The plaintext of ServerAuth and ClientAuth (PROTOCOL.md, "ServerAuth and ClientAuth"), sealed as the first
/// record of each direction: identity public key (32) || signature (64) || u8 name length || name (UTF-8, 1..64)
/// || finished (32). <see cref="Signed"/> is everything before the finished MAC, which the MAC and (for the
/// client) the peer's signature cover.
/// </summary>
internal sealed record AuthMessage(byte[] IdentityKey, byte[] Signature, string Name, byte[] Finished)
{
    private const int FixedSize = WireFormat.IdentityKeySize + WireFormat.SignatureSize + 1 + WireFormat.FinishedSize;

    /// <summary>The bytes before the finished MAC: identity key || signature || u8 name length || name.</summary>
    public static byte[] Signed(ReadOnlySpan<byte> identityKey, ReadOnlySpan<byte> signature, string name)
    {
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        if (nameBytes.Length is 0 or > WireFormat.NameMax)
        {
            throw new ArgumentException("a name is 1 to 64 bytes of UTF-8", nameof(name));
        }

        byte[] signed = new byte[WireFormat.IdentityKeySize + WireFormat.SignatureSize + 1 + nameBytes.Length];
        identityKey.CopyTo(signed);
        signature.CopyTo(signed.AsSpan(WireFormat.IdentityKeySize));
        signed[WireFormat.IdentityKeySize + WireFormat.SignatureSize] = (byte)nameBytes.Length;
        nameBytes.CopyTo(signed, WireFormat.IdentityKeySize + WireFormat.SignatureSize + 1);
        return signed;
    }

    /// <summary>Splits a plaintext; false when a length is wrong or the name is not a valid name.</summary>
    public static bool TryParse(ReadOnlySpan<byte> plaintext, out AuthMessage message, out int signedLength)
    {
        message = null!;
        signedLength = 0;
        if (plaintext.Length < FixedSize + 1)
        {
            return false;
        }

        int nameOffset = WireFormat.IdentityKeySize + WireFormat.SignatureSize + 1;
        int nameLength = plaintext[nameOffset - 1];
        if (plaintext.Length != FixedSize + nameLength || !NickRecord.TryParse(plaintext.Slice(nameOffset, nameLength), out NickRecord nick))
        {
            return false;
        }

        signedLength = nameOffset + nameLength;
        message = new AuthMessage(
            plaintext[..WireFormat.IdentityKeySize].ToArray(),
            plaintext.Slice(WireFormat.IdentityKeySize, WireFormat.SignatureSize).ToArray(),
            nick.Name,
            plaintext[signedLength..].ToArray());
        return true;
    }
}
