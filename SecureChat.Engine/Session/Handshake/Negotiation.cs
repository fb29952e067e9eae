using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session.Handshake;

/// <summary>
/// What the hellos settle (PROTOCOL.md, "Negotiation"): the version, the group and the PBKDF2 count. Pure and
/// thread-safe: it reads the settings and the peer's hello and returns a choice or the refusal to send.
/// </summary>
internal static class Negotiation
{
    /// <summary>The client's offer: version 1, its own group and every larger one, and its iteration count.</summary>
    public static ClientHello CreateClientHello(SessionSettings settings) =>
        new([WireFormat.Version1], [.. settings.AcceptableGroups().Select(g => (ushort)g.Id)], (uint)settings.Iterations);

    /// <summary>Server: picks the first of its acceptable groups the client offered, and accepts the count within bounds.</summary>
    public static HandshakeState? TryRefuseClientHello(ClientHello hello, SessionSettings settings, out DhGroup group, out int iterations)
    {
        group = null!;
        iterations = 0;
        if (!hello.Versions.Contains(WireFormat.Version1))
        {
            return Refuse(FailureReason.UnsupportedVersion, AlertCode.UnsupportedVersion);
        }

        DhGroup? chosen = settings.AcceptableGroups().FirstOrDefault(g => hello.Groups.Contains((ushort)g.Id));
        if (chosen is null)
        {
            return Refuse(FailureReason.UnsupportedGroup, AlertCode.UnsupportedGroup, $"this side requires {DhGroup.Get(settings.Group).Name} or larger", (uint)settings.Group);
        }

        if (hello.Iterations < settings.Iterations || hello.Iterations > WireFormat.IterationsCap)
        {
            string detail = $"the client offered {hello.Iterations}; this server accepts {settings.Iterations} to {WireFormat.IterationsCap}";
            return Refuse(FailureReason.IterationsRejected, AlertCode.IterationsRejected, detail, (uint)settings.Iterations);
        }

        group = chosen;
        iterations = (int)hello.Iterations;
        return null;
    }

    /// <summary>Client: the server must answer version 1, a group the client offered, and exactly the count offered.</summary>
    public static HandshakeState? TryRefuseServerHello(ServerHello hello, SessionSettings settings, out DhGroup group)
    {
        group = null!;
        if (hello.Version != WireFormat.Version1)
        {
            return Refuse(FailureReason.UnsupportedVersion, AlertCode.UnsupportedVersion);
        }

        DhGroup? chosen = settings.AcceptableGroups().FirstOrDefault(g => (ushort)g.Id == hello.Group);
        if (chosen is null)
        {
            return Refuse(FailureReason.UnsupportedGroup, AlertCode.UnsupportedGroup, "the server chose a group this client did not offer");
        }

        if (hello.Iterations != (uint)settings.Iterations)
        {
            return Refuse(FailureReason.IterationsRejected, AlertCode.IterationsRejected, $"the server answered {hello.Iterations}, not the {settings.Iterations} offered", (uint)settings.Iterations);
        }

        group = chosen;
        return null;
    }

    private static HandshakeFailed Refuse(FailureReason reason, AlertCode alert, string? detail = null, uint alertDetail = 0) =>
        new(SessionFailure.Create(reason, detail), alert, alertDetail);
}
