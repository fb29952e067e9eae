using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session.Handshake;

/// <summary>
/// The client's side of the v2 handshake (PROTOCOL.md, "Handshake"): ClientHello, then ServerHello (or a Puzzle)
/// → Commit, KeyShare → Reveal, then derivation, the server's sealed ServerAuth, and the client's ClientAuth
/// (<see cref="AwaitingDerivation"/>, <see cref="ExpectServerAuth"/>). The client commits to its public value
/// before it sees the server's, so neither side can choose its value after seeing the other's. Without a passphrase
/// the Commit for the first group offered goes right behind the ClientHello (the early Commit, one round trip
/// fewer); it stands if the server picks that group, and is replaced by a fresh one if not.
/// </summary>
internal static class ClientHandshake
{
    /// <summary>
    /// Writes the ClientHello (with the puzzle answer when retrying), and the early Commit when it announces one, and
    /// waits for the ServerHello.
    /// </summary>
    public static HandshakeState Start(HandshakeContext context)
    {
        context.ClientNonce = context.Settings.HelloNonce ?? context.NewNonce();
        ClientHello hello = Negotiation.CreateClientHello(context.Settings, context.ClientNonce, context.Settings.PuzzleSolution);
        Span<byte> body = stackalloc byte[hello.Size];
        hello.Write(body);
        context.WriteHandshake(FrameType.ClientHello, body);
        if (Negotiation.EarlyCommitGroup(context.Settings) is not { } first)
        {
            return new ExpectServerHello(context.Settings.AcceptableGroups().First(), early: null);
        }

        // The transcript records the early Commit only once the ServerHello shows it stands (the server chose its group).
        DhKeyPair own = context.TakeOrGenerateKeyPair(null, first);
        byte[] nonce = context.NewNonce();
        Span<byte> commitment = stackalloc byte[WireFormat.CommitmentSize];
        KeySchedule.ComputeCommitment(first.Id, own.PublicValue, nonce, commitment);
        byte[] frame = context.WriteFrame(FrameType.Commit, commitment).ToArray();
        return new ExpectServerHello(first, new EarlyCommit(own, nonce, frame));
    }
}
