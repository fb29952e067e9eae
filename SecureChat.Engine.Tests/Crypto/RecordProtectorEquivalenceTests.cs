using System.Security.Cryptography;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Tests.Crypto;

/// <summary>
/// RecordProtector keeps one CBC transform per direction and re-bases each record onto its own IV; this checks,
/// record after record, that what it produces is exactly the one-shot AES-256-CBC/PKCS#7 of the .NET API, for one
/// record of every plaintext size from 0 to <see cref="WireFormat.RecordPlaintextMax"/> in a row.
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
        byte[] plaintext = new byte[WireFormat.RecordPlaintextMax];
        random.NextBytes(plaintext);
        byte[] body = new byte[RecordProtector.SealedSize(WireFormat.RecordPlaintextMax)];
        byte[] expected = new byte[RecordProtector.CiphertextSize(WireFormat.RecordPlaintextMax)];
        byte[] opened = new byte[body.Length];

        for (int length = 0; length <= WireFormat.RecordPlaintextMax; length++)
        {
            ulong sequence = (ulong)length;
            int size = RecordProtector.SealedSize(length);
            sender.Seal(sequence, (byte)FrameType.GroupMessage, plaintext.AsSpan(0, length), body, SystemRandom.Instance);

            int ciphertextSize = reference.EncryptCbc(plaintext.AsSpan(0, length), body.AsSpan(0, RecordProtector.IvSize), expected, PaddingMode.PKCS7);
            size.ShouldBe(RecordProtector.IvSize + ciphertextSize + RecordProtector.TagSize);
            body.AsSpan(RecordProtector.IvSize, ciphertextSize).SequenceEqual(expected.AsSpan(0, ciphertextSize))
                .ShouldBeTrue($"record {sequence}: {length} bytes");
            receiver.TryOpen(sequence, (byte)FrameType.GroupMessage, body.AsSpan(0, size), opened, out int openedLength).ShouldBeTrue($"record {sequence}");
            opened.AsSpan(0, openedLength).SequenceEqual(plaintext.AsSpan(0, length)).ShouldBeTrue($"record {sequence}");
        }
    }
}
