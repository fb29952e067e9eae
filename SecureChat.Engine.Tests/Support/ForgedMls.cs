namespace SecureChat.Engine.Tests.Support;

/// <summary>
/// MLS payloads an outsider can write without any group key (RFC 9420 section 6): well formed, so a hub that reads the
/// header (PROTOCOL.md 4.8) takes them for what they claim to be, but sealed under no key a member holds.
/// </summary>
internal static class ForgedMls
{
    /// <summary>
    /// An MLSMessage holding a PrivateMessage of application content: <c>u16 version 1 || u16 wire_format 2 ||
    /// group_id&lt;V&gt; || u64 epoch || u8 content_type 1 || authenticated_data&lt;V&gt; (empty) ||
    /// encrypted_sender_data&lt;V&gt; (28 bytes) || ciphertext&lt;V&gt; (32 bytes)</c>, every vector under 64 bytes so each
    /// length is one byte (RFC 9420 section 2.1.2).
    /// </summary>
    public static byte[] PrivateMessage(ulong epoch = 1)
    {
        byte[] epochBytes = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(epochBytes, epoch);
        return [0, 1, 0, 2, 16, .. new byte[16], .. epochBytes, 1, 0, 28, .. Enumerable.Repeat((byte)0xA5, 28), 32, .. Enumerable.Repeat((byte)0x5A, 32)];
    }
}
