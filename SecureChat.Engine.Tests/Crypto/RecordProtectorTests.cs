using System.Buffers.Binary;
using System.Security.Cryptography;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Crypto;

public sealed class RecordProtectorTests
{
    private const byte MessageType = (byte)FrameType.GroupMessage;
    private static readonly byte[] s_encryptionKey = SHA256.HashData("enc"u8);
    private static readonly byte[] s_macKey = SHA256.HashData("mac"u8);

    public static TheoryData<int> Lengths => [0, 1, 15, 16, 17, 31, 32, 33, WireFormat.RecordPlaintextMax - 1, WireFormat.RecordPlaintextMax];

    [Theory]
    [MemberData(nameof(Lengths))]
    public void A_sealed_record_opens_to_the_same_plaintext_at_block_boundaries_and_the_maximum(int length)
    {
        using RecordProtector sender = Protector();
        using RecordProtector receiver = Protector();
        byte[] plaintext = RandomNumberGenerator.GetBytes(length);
        byte[] body = Seal(sender, 7, plaintext);
        body.Length.ShouldBe(RecordProtector.SealedSize(length));
        body.Length.ShouldBe(16 + (length / 16 + 1) * 16 + 32);
        body.Length.ShouldBeLessThanOrEqualTo(WireFormat.RecordBodyMax);

        byte[] opened = new byte[body.Length];
        receiver.TryOpen(7, MessageType, body, opened, out int openedLength).ShouldBeTrue();
        opened.AsSpan(0, openedLength).ToArray().ShouldBe(plaintext);
    }

    [Fact]
    public void Every_single_bit_flip_anywhere_in_a_sealed_body_is_rejected()
    {
        using RecordProtector sender = Protector();
        using RecordProtector receiver = Protector();
        byte[] body = Seal(sender, 3, "seventeen bytes!!"u8.ToArray());
        body.Length.ShouldBe(80, "IV 16 + two blocks 32 + tag 32");
        byte[] opened = new byte[body.Length];
        receiver.TryOpen(3, MessageType, body, opened, out _).ShouldBeTrue("the untouched record must open, or the flips prove nothing");

        int accepted = 0;
        for (int bit = 0; bit < body.Length * 8; bit++)
        {
            byte[] tampered = (byte[])body.Clone();
            tampered[bit / 8] ^= (byte)(1 << (bit % 8));
            if (receiver.TryOpen(3, MessageType, tampered, opened, out _))
            {
                accepted++;
            }
        }

        accepted.ShouldBe(0);
    }

    [Fact]
    public void A_record_opened_at_another_sequence_number_is_rejected()
    {
        using RecordProtector sender = Protector();
        using RecordProtector receiver = Protector();
        byte[] body = Seal(sender, 5, "hello"u8.ToArray());
        byte[] opened = new byte[body.Length];
        foreach (ulong sequence in new ulong[] { 0, 4, 6, 5 + (1UL << 32), ulong.MaxValue })
        {
            receiver.TryOpen(sequence, MessageType, body, opened, out _).ShouldBeFalse($"sequence {sequence}");
        }
    }

    [Fact]
    public void A_record_opened_as_another_record_type_is_rejected()
    {
        using RecordProtector sender = Protector();
        using RecordProtector receiver = Protector();
        byte[] body = Seal(sender, 0, "hello"u8.ToArray());
        byte[] opened = new byte[body.Length];
        for (byte type = (byte)FrameType.Nick; type <= (byte)FrameType.Close; type++)
        {
            receiver.TryOpen(0, type, body, opened, out _).ShouldBeFalse($"type 0x{type:X2}");
        }
    }

    [Fact]
    public void A_record_opened_with_the_other_direction_or_another_mac_key_is_rejected()
    {
        using RecordProtector sender = Protector(SessionKeys.DirectionClientToServer);
        byte[] body = Seal(sender, 0, "hello"u8.ToArray());
        byte[] opened = new byte[body.Length];
        using RecordProtector reflected = Protector(SessionKeys.DirectionServerToClient);
        reflected.TryOpen(0, MessageType, body, opened, out _).ShouldBeFalse("same keys, other direction byte");
        using var otherMac = new RecordProtector(s_encryptionKey, SHA256.HashData("other mac"u8), SessionKeys.DirectionClientToServer);
        otherMac.TryOpen(0, MessageType, body, opened, out _).ShouldBeFalse("other MAC key");
    }

    [Fact]
    public void Truncated_and_extended_bodies_are_rejected_without_throwing()
    {
        using RecordProtector sender = Protector();
        using RecordProtector receiver = Protector();
        byte[] body = Seal(sender, 0, RandomNumberGenerator.GetBytes(40));
        byte[] opened = new byte[body.Length + 64];
        for (int length = 0; length < body.Length; length++)
        {
            receiver.TryOpen(0, MessageType, body.AsSpan(0, length), opened, out _).ShouldBeFalse($"truncated to {length}");
            receiver.TryOpen(0, MessageType, body.AsSpan(body.Length - length), opened, out _).ShouldBeFalse($"first {body.Length - length} bytes cut");
        }

        foreach (int extra in new[] { 1, 15, 16, 32 })
        {
            receiver.TryOpen(0, MessageType, [.. body, .. new byte[extra]], opened, out _).ShouldBeFalse($"extended by {extra}");
        }
    }

    [Fact]
    public void A_plaintext_buffer_too_small_for_the_ciphertext_is_refused_without_throwing()
    {
        using RecordProtector sender = Protector();
        using RecordProtector receiver = Protector();
        byte[] body = Seal(sender, 0, new byte[20]);
        receiver.TryOpen(0, MessageType, body, new byte[16], out _).ShouldBeFalse();
    }

    [Fact]
    public void Every_seal_draws_a_fresh_iv_so_equal_plaintexts_give_different_records()
    {
        using RecordProtector sender = Protector();
        byte[] plaintext = "same text"u8.ToArray();
        var ivs = new HashSet<string>();
        var bodies = new HashSet<string>();
        for (int i = 0; i < 64; i++)
        {
            byte[] body = Seal(sender, 0, plaintext);
            ivs.Add(Hex.Of(body.AsSpan(0, RecordProtector.IvSize)));
            bodies.Add(Hex.Of(body));
        }

        ivs.Count.ShouldBe(64);
        bodies.Count.ShouldBe(64);
    }

    [Fact]
    public void The_tag_is_hmac_sha256_over_direction_sequence_type_iv_and_ciphertext_and_the_ciphertext_is_aes_256_cbc()
    {
        using RecordProtector sender = Protector(SessionKeys.DirectionServerToClient);
        byte[] plaintext = "layout"u8.ToArray();
        byte[] body = Seal(sender, 0x0102030405060708, plaintext);
        byte[] iv = body[..16];
        byte[] ciphertext = body[16..^32];
        byte[] header = new byte[10];
        header[0] = SessionKeys.DirectionServerToClient;
        BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(1), 0x0102030405060708);
        header[9] = MessageType;
        body[^32..].ShouldBe(HMACSHA256.HashData(s_macKey, (byte[])[.. header, .. iv, .. ciphertext]));
        using var aes = Aes.Create();
        aes.Key = s_encryptionKey;
        aes.DecryptCbc(ciphertext, iv, PaddingMode.PKCS7).ShouldBe(plaintext);
    }

    /// <summary>
    /// A peer that holds the keys (an authenticated but hostile hub client, say) can MAC a ciphertext whose padding
    /// is wrong. That is still bad bytes from a peer: TryOpen must return false, not throw.
    /// </summary>
    [Fact]
    public void An_authentic_record_with_bad_padding_is_rejected_without_throwing()
    {
        using RecordProtector receiver = Protector();
        byte[] iv = RandomNumberGenerator.GetBytes(16);
        byte[] block = new byte[16];
        block[15] = 0x00;
        using var aes = Aes.Create();
        aes.Key = s_encryptionKey;
        byte[] ciphertext = aes.EncryptCbc(block, iv, PaddingMode.None);
        byte[] header = [SessionKeys.DirectionClientToServer, 0, 0, 0, 0, 0, 0, 0, 0, MessageType];
        byte[] tag = HMACSHA256.HashData(s_macKey, (byte[])[.. header, .. iv, .. ciphertext]);
        byte[] body = [.. iv, .. ciphertext, .. tag];

        bool opened = true;
        Should.NotThrow(() => opened = receiver.TryOpen(0, MessageType, body, new byte[body.Length], out _));
        opened.ShouldBeFalse();
    }

    private static RecordProtector Protector(byte direction = SessionKeys.DirectionClientToServer) => new(s_encryptionKey, s_macKey, direction);

    private static byte[] Seal(RecordProtector protector, ulong sequence, byte[] plaintext)
    {
        byte[] body = new byte[RecordProtector.SealedSize(plaintext.Length)];
        protector.Seal(sequence, MessageType, plaintext, body, SystemRandom.Instance).ShouldBe(body.Length);
        return body;
    }
}
