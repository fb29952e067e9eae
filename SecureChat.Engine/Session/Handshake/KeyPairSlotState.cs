using SecureChat.Engine.Crypto;

namespace SecureChat.Engine.Session.Handshake;

/// <summary>
/// A state whose next step needs a Diffie-Hellman key pair of <see cref="Group"/>, which a driver may precompute
/// while the session waits for the peer (<see cref="HandshakeDriver.BeginKeyPairPrecomputation"/>).
/// </summary>
internal abstract class KeyPairSlotState(DhGroup group) : HandshakeState
{
    public DhGroup Group => group;

    /// <summary>True once a precomputation job was handed out (at most one per state).</summary>
    public bool Requested { get; set; }

    public DhKeyPair? KeyPair { get; set; }

    /// <summary>The precomputed pair if it is of <paramref name="needed"/>, else a new one; the slot is emptied.</summary>
    public DhKeyPair TakeKeyPair(HandshakeContext context, DhGroup needed)
    {
        DhKeyPair pair = context.TakeOrGenerateKeyPair(KeyPair, needed);
        KeyPair = null;
        return pair;
    }

    public override void Dispose()
    {
        KeyPair?.Dispose();
        KeyPair = null;
    }
}
