using SecureChat.Engine.Transport;

namespace SecureChat.TestSupport;

/// <summary>
/// Every live test connects from 127.0.0.1, so to a server all its clients are one source. Tests that are not about
/// the per-source limits raise them explicitly with this, so honest test clients are not mistaken for a flood from
/// one address, nor one test's abandoned handshakes punished in the next (the limits themselves are tested in
/// Adversarial/PuzzleAdmissionTests and StalledHandshakeTests).
/// </summary>
internal static class LoopbackLimits
{
    public static ChatOptions FromOneAddress(this ChatOptions options) => options with
    {
        HandshakesPerSource = 1_000_000,
        PeersPerSource = 1_000_000,
        FailedConfirmations = 0,
        HandshakeRate = 1_000_000,
        ConfirmationPenalty = TimeSpan.Zero,
    };
}
