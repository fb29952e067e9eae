using CsCheck;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// Properties checked on thousands of generated inputs (CsCheck): mutated records never authenticate, and random
/// or mutated frames never make a parser or a session throw or deliver a message. The SharpFuzz harness in
/// SecureChat.Fuzz drives the same entry points with coverage guidance (see SECURITY.md, "Security testing").
/// </summary>
public sealed class PropertyTests
{
    private static readonly byte[] s_key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
    private static readonly byte[] s_macKey = [.. Enumerable.Range(101, 32).Select(i => (byte)i)];

    [Fact]
    public void A_sealed_record_with_any_mutation_never_authenticates()
    {
        using var sender = new RecordProtector(s_key, s_macKey, SessionKeys.DirectionClientToServer);
        using var receiver = new RecordProtector(s_key, s_macKey, SessionKeys.DirectionClientToServer);
        byte[] plaintext = "the quick brown fox jumps over the lazy dog"u8.ToArray();
        byte[] sealedBody = new byte[RecordProtector.SealedSize(plaintext.Length)];
        sender.Seal(7, (byte)FrameType.GroupMessage, plaintext, sealedBody, SystemRandom.Instance);
        byte[] output = new byte[sealedBody.Length + 64];

        Gen<(int Position, byte Mask)> flip = Gen.Select(Gen.Int[0, sealedBody.Length - 1], Gen.Byte[1, 255]);
        Gen<byte[]> mutated = Gen.OneOf(
            flip.Array[1, 4].Select(flips =>
            {
                byte[] copy = [.. sealedBody];
                foreach ((int position, byte mask) in flips)
                {
                    copy[position] ^= mask;
                }

                return copy;
            }),
            Gen.Int[0, sealedBody.Length - 1].Select(length => sealedBody[..length]),
            Gen.Byte.Array[1, 48].Select(extra => (byte[])[.. sealedBody, .. extra]));

        mutated.Sample(body =>
        {
            if (!body.AsSpan().SequenceEqual(sealedBody))
            {
                receiver.TryOpen(7, (byte)FrameType.GroupMessage, body, output, out _).ShouldBeFalse();
            }
        }, iter: 3_000, threads: 1);

        Gen.Select(Gen.ULong, Gen.Byte).Sample((sequence, type) =>
        {
            if (sequence != 7 || type != (byte)FrameType.GroupMessage)
            {
                receiver.TryOpen(sequence, type, sealedBody, output, out _).ShouldBeFalse();
            }
        }, iter: 1_000, threads: 1);
        receiver.TryOpen(7, (byte)FrameType.GroupMessage, sealedBody, output, out int length).ShouldBeTrue("the unmutated record still opens");
        output[..length].ShouldBe(plaintext);
    }

    [Fact]
    public void Random_and_mutated_frames_never_throw_out_of_a_secure_session_nor_deliver_a_message()
    {
        // Every input goes to a fresh server with the sealing pair's keys and sequence number, which delivers the
        // unmutated record (the control below), so a mutated record fails only because of its mutation.
        using SameKeyReceivers receivers = SameKeyReceivers.Establish();
        receivers.Pair.ClientChat.SendText("a genuine message");
        byte[] valid = receivers.Pair.Take(receivers.Pair.Client);
        using (SameKeyReceivers.Receiver control = receivers.NewReceiver())
        {
            control.Deliver(valid);
            control.GroupRecords.AtHub().ShouldHaveSingleItem().ShouldBe("a genuine message");
        }

        Gen<byte[]> frames = Gen.OneOf(
            Gen.Byte.Array[0, 200],
            Gen.Select(Gen.Byte[0x10, 0x16], Gen.Byte.Array[0, 150]).Select((type, body) => RawClient.Frame(type, body)),
            Gen.Select(Gen.Int[0, valid.Length - 1], Gen.Byte[1, 255]).Select((position, mask) =>
            {
                byte[] copy = [.. valid];
                copy[position] ^= mask;
                return copy;
            }));

        frames.Sample(bytes =>
        {
            using SameKeyReceivers.Receiver receiver = receivers.NewReceiver();
            receiver.Deliver(bytes);
            receiver.Events.OfType<GroupRecordEvent>().ShouldBeEmpty();
            receiver.GroupRecords.Received.ShouldBeEmpty();
        }, iter: 300);
    }

    [Fact]
    public void Random_bytes_never_throw_out_of_a_server_session_in_the_handshake()
    {
        Gen<byte[]> input = Gen.OneOf(
            Gen.Byte.Array[0, 400],
            Gen.Select(Gen.Byte[0x00, 0x0F], Gen.Byte.Array[0, 300]).Select((type, body) => RawClient.Frame(type, body)));

        input.Sample(bytes =>
        {
            using var session = new SecureSession(new SessionSettings { Role = SessionRole.Server });
            session.Start();
            session.Receive(bytes);
            if (session.KeyDerivationPending)
            {
                throw new InvalidOperationException("random bytes completed a handshake");
            }

            session.IsSecure.ShouldBeFalse();
        }, iter: 5_000);
    }
}
