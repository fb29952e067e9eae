using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session.Handshake;

/// <summary>
/// What the hellos settle (PROTOCOL.md, "Negotiation"): the version, the group, the PBKDF2 count (always the
/// server's) and whether a passphrase is used (both must agree). Pure and thread-safe: it reads the settings and
/// the peer's hello and returns a choice or the refusal to send.
/// </summary>
internal static class Negotiation
{
    /// <summary>The client's offer: version 3, its own group and every larger one, its passphrase flag and nonce.</summary>
    public static ClientHello CreateClientHello(SessionSettings settings, byte[] nonce, PuzzleSolution? solution) => new(
        [WireFormat.Version],
        [.. settings.AcceptableGroups().Select(g => (ushort)g.Id)],
        Flags(settings),
        nonce,
        solution);

    /// <summary>The client's flags: a passphrase, or (without one) an early Commit when the settings allow it.</summary>
    public static byte Flags(SessionSettings settings) =>
        settings.Passphrase.Length > 0 ? WireFormat.FlagPassphrase : settings.EarlyCommit ? WireFormat.FlagEarlyCommit : (byte)0;

    /// <summary>
    /// The group of the client's early Commit (the first it offers), or null when its hello announces none: the one
    /// decision both the handshake and a client preparing the Commit's key pair ahead of time go by.
    /// </summary>
    public static DhGroup? EarlyCommitGroup(SessionSettings settings) =>
        (Flags(settings) & WireFormat.FlagEarlyCommit) != 0 ? settings.AcceptableGroups().First() : null;

    /// <summary>Server: version 3, the first of its acceptable groups the client offered, and the same passphrase use.</summary>
    public static HandshakeState? TryRefuseClientHello(ClientHello hello, SessionSettings settings, out DhGroup group)
    {
        group = null!;
        if (!hello.Versions.Contains(WireFormat.Version))
        {
            // The Alert's detail is the version this server speaks, so the client can say which side to update.
            return new HandshakeFailed(AlertMapping.VersionRefused(SessionRole.Server), AlertCode.UnsupportedVersion, WireFormat.Version);
        }

        DhGroup? chosen = settings.AcceptableGroups().FirstOrDefault(g => hello.Groups.Contains((ushort)g.Id));
        if (chosen is null)
        {
            return Refuse(FailureReason.UnsupportedGroup, AlertCode.UnsupportedGroup, $"the client offered no group this server accepts ({DhGroup.Get(settings.Group).Name} or larger)", (uint)settings.Group);
        }

        bool ours = settings.Passphrase.Length > 0;
        if (hello.UsesPassphrase && hello.CommitFollows)
        {
            // The CPace generator needs the server's nonce: a commitment made before the ServerHello cannot be to it.
            return Refuse(FailureReason.ProtocolViolation, AlertCode.ProtocolError, "the ClientHello announces an early Commit with a passphrase");
        }

        if (hello.UsesPassphrase != ours)
        {
            return Refuse(
                FailureReason.PassphraseMismatch,
                AlertCode.PassphraseMismatch,
                ours ? "this server requires a passphrase and the client has none" : "the client uses a passphrase and this server has none",
                ours ? 1u : 0u);
        }

        group = chosen;
        return null;
    }

    /// <summary>
    /// Client: the server must answer version 3, a group the client offered, a PBKDF2 count within the client's own
    /// bounds, and the passphrase use the client asked for.
    /// </summary>
    public static HandshakeState? TryRefuseServerHello(ServerHello hello, SessionSettings settings, out DhGroup group)
    {
        group = null!;
        if (hello.Version != WireFormat.Version)
        {
            return new HandshakeFailed(AlertMapping.VersionRefused(SessionRole.Client), AlertCode.UnsupportedVersion, WireFormat.Version);
        }

        DhGroup? chosen = settings.AcceptableGroups().FirstOrDefault(g => (ushort)g.Id == hello.Group);
        if (chosen is null)
        {
            return Refuse(FailureReason.UnsupportedGroup, AlertCode.UnsupportedGroup, "the server chose a group this client did not offer");
        }

        if (hello.Iterations < (uint)settings.Iterations || hello.Iterations > (uint)settings.MaxIterations)
        {
            string detail = $"the server asks for {hello.Iterations:N0} PBKDF2 iterations; this client accepts {settings.Iterations:N0} to {settings.MaxIterations:N0}";
            return Refuse(FailureReason.IterationsRejected, AlertCode.IterationsRejected, detail, (uint)settings.Iterations);
        }

        if (hello.UsesPassphrase != settings.Passphrase.Length > 0)
        {
            return Refuse(FailureReason.PassphraseMismatch, AlertCode.PassphraseMismatch, "the server answered a different passphrase use than offered", settings.Passphrase.Length > 0 ? 1u : 0u);
        }

        if (hello.Flags != Flags(settings))
        {
            return Refuse(FailureReason.ProtocolViolation, AlertCode.ProtocolError, "the ServerHello's flags are not the ClientHello's");
        }

        group = chosen;
        return null;
    }

    private static HandshakeFailed Refuse(FailureReason reason, AlertCode alert, string? detail = null, uint alertDetail = 0) =>
        new(SessionFailure.Create(reason, detail), alert, alertDetail);
}
