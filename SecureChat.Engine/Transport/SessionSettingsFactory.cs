using SecureChat.Engine.Crypto;
using SecureChat.Engine.Session;
using SecureChat.Engine.Session.Trust;

namespace SecureChat.Engine.Transport;

/// <summary>Maps the public <see cref="ChatOptions"/> onto a session's settings.</summary>
internal static class SessionSettingsFactory
{
    /// <summary>One throwaway identity per process for endpoints configured without one.</summary>
    private static readonly Lazy<EphemeralSigner> s_ephemeral = new(() => new EphemeralSigner());

    /// <summary>The identity an endpoint with these options proves in its handshakes.</summary>
    public static ISigner IdentityOf(ChatOptions options) => options.Identity ?? s_ephemeral.Value;

    /// <param name="checkPeer">The trust check for this link's peer, bound to where it is (null: accept as new).</param>
    public static SessionSettings Create(ChatOptions options, SessionRole role, string name, Func<PeerIdentity, IdentityVerdict>? checkPeer) => new()
    {
        Role = role,
        Group = options.Group,
        Iterations = options.Iterations,
        MaxIterations = options.MaxIterations,
        Passphrase = options.Passphrase,
        Identity = IdentityOf(options),
        Name = name,
        PeerTrust = checkPeer is null ? null : new DelegatedPeerTrust(checkPeer),
        HeartbeatInterval = options.HeartbeatInterval,
        IdleTimeout = options.IdleTimeout,
        RekeyMinInterval = options.RekeyMinInterval,
        RekeyAfterRecords = options.RekeyAfterRecords,
        RekeyAfterTime = options.RekeyAfterTime,
        Time = options.Time,
    };
}
