using System.Security.Cryptography;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Tests.Crypto;

/// <summary>
/// RecordProtector keeps one CBC transform per direction and re-bases each record onto its own IV; this checks,
/// record after record, that what it produces is exactly the one-shot AES-256-CBC/PKCS#7 of the .NET API.
/// </summary>
public sealed class RecordProtectorEquivalenceTests
{
    [Fact]
    public void A_long_run_of_records_of_every_size_is_plain_aes_cbc_under_each_records_own_iv()
    {
        byte[] key = RandomNumberGenerator.GetBytes(32);
        byte[] macKey = RandomNumberGenerator.GetBytes(32);
        using var sender = new RecordProtector(key, macKey, SessionKeys.DirectionClientToServer);
        using var receiver = new RecordProtector(key, macKey, SessionKeys.DirectionClientToServer);
        using var reference = Aes.Create();
        reference.Key = key;
        var random = new Random(1234);

        for (ulong sequence = 0; sequence < 300; sequence++)
        {
            int length = sequence < 40 ? (int)sequence : random.Next(0, 2000);
            byte[] plaintext = new byte[length];
            random.NextBytes(plaintext);
            byte[] body = new byte[RecordProtector.SealedSize(length)];
            sender.Seal(sequence, (byte)FrameType.Chat, plaintext, body, SystemRandom.Instance);

            byte[] iv = body[..16];
            byte[] ciphertext = body[16..^32];
            ciphertext.ShouldBe(reference.EncryptCbc(plaintext, iv, PaddingMode.PKCS7), $"record {sequence}");
            byte[] opened = new byte[ciphertext.Length];
            receiver.TryOpen(sequence, (byte)FrameType.Chat, body, opened, out int openedLength).ShouldBeTrue($"record {sequence}");
            opened[..openedLength].ShouldBe(plaintext);
        }
    }
}
