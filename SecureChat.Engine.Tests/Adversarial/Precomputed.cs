using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using static SecureChat.Engine.Tests.Adversarial.AdmissionProbe;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>A client's first three handshake messages, computed once, valid for any server without a passphrase.</summary>
internal sealed record Precomputed(byte[] Hello, byte[] Commit, byte[] Reveal)
{
    public byte[] All => [.. Hello, .. Commit, .. Reveal];

    public static Precomputed Create()
    {
        DhGroup group = DhGroup.Ffdhe2048;
        using DhKeyPair key = DiffieHellman.GenerateKeyPair(group, SystemRandom.Instance);
        byte[] opening = RandomNonce();
        byte[] commitment = new byte[WireFormat.CommitmentSize];
        KeySchedule.ComputeCommitment(group.Id, key.PublicValue, opening, commitment);
        byte[] reveal = new byte[KeyShareMessage.Size(group.ElementSize)];
        KeyShareMessage.Write(reveal, opening, key.PublicValue);
        return new Precomputed(
            HelloFrame(RandomNonce()),
            RawClient.Frame((byte)FrameType.Commit, commitment),
            RawClient.Frame((byte)FrameType.Reveal, reveal));
    }
}

