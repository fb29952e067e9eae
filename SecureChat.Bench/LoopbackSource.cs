using SecureChat.Engine.Transport;

namespace SecureChat.Bench;

/// <summary>
/// Every client in the bench connects from 127.0.0.1, so to a server they are one source. Where a part measures the
/// cost of handshakes or sessions rather than admission, the server's per-source limits are raised with this (as
/// the engine's tests do): otherwise one address starting more than 10 handshakes a second (bursts of 20) must solve
/// a puzzle of 2^18 hashes for each, and at most 16 of its handshakes may be pending. The attack part keeps the
/// defaults and puts the attacker on another address.
/// </summary>
internal static class LoopbackSource
{
    public static ChatOptions FromOneSource(this ChatOptions options) => options with
    {
        HandshakesPerSource = 1_000_000,
        PeersPerSource = 1_000_000,
        FailedConfirmations = 0,
        HandshakeRate = 1_000_000,
    };
}
