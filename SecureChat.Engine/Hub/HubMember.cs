using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Hub;

/// <summary>
/// One member of a hub: a client's link, or the hub's operator (the server's own user). It has an identity (the
/// digest the handshake proved; one identity may have several links, each its own member), a current name and the
/// rooms it is in, in the order it entered them. <see cref="Name"/>, <see cref="Rooms"/> and <see cref="Present"/>
/// change only under the hub's lock; the rest is fixed. Thread-safe to read the fixed parts; the rest under the lock.
/// </summary>
internal sealed class HubMember
{
    public HubMember(int id, byte[] digest, byte[] publicKey, string name, IMemberOutput output, bool isHubOperator, HubSettings settings)
    {
        Id = id;
        Digest = digest;
        Identity = Convert.ToHexString(digest);
        PublicKey = publicKey;
        Name = name;
        Output = output;
        IsHubOperator = isHubOperator;
        Requests = new NickRateLimit(settings.RequestBurst, settings.RequestInterval, settings.Time);
        RequestFlood = new NickRateLimit(settings.RequestBurst * HubSettings.FloodFactor, settings.RequestInterval / HubSettings.FloodFactor, settings.Time);
    }

    /// <summary>Unique among the hub's members (a link's id; the operator's is 0).</summary>
    public int Id { get; }

    /// <summary>The identity digest (32 bytes), as relays and presence carry it.</summary>
    public byte[] Digest { get; }

    /// <summary>The identity's public key (what the name registry records).</summary>
    public byte[] PublicKey { get; }

    /// <summary>The digest in hex: the key of the identity in the hub's indexes (operators, muted, invitations).</summary>
    public string Identity { get; }

    /// <summary>Where the hub's records for this member go: its link's output, or its <see cref="AwayQueue"/> while it is away (set under the hub's lock).</summary>
    public IMemberOutput Output { get; set; }

    /// <summary>Its identity's last link dropped and it stays in its rooms (PROTOCOL.md 4.8; under the hub's lock).</summary>
    public bool Away { get; set; }

    /// <summary>Ends the identity's membership when it stays away past <see cref="HubSettings.AwayMax"/> (while away; under the hub's lock).</summary>
    public ITimer? AwayTimer { get; set; }

    /// <summary>The hub's operator: operator in every room, cannot be kicked, banned or muted, bound by no room limit.</summary>
    public bool IsHubOperator { get; }

    /// <summary>The current name (under the hub's lock).</summary>
    public string Name { get; set; }

    /// <summary>The rooms this member is in, in the order entered (under the hub's lock).</summary>
    public List<Room> Rooms { get; } = [];

    /// <summary>Still on the hub (false once it quit; under the hub's lock).</summary>
    public bool Present { get; set; } = true;

    /// <summary>
    /// Its current link has sent KeyPackages (under the hub's lock): until then a Request <c>key package</c> for its
    /// identity that finds none waits for them (PROTOCOL.md 4.8, direct conversations).
    /// </summary>
    public bool KeyPackagesSent { get; set; }

    /// <summary>The code of the last Reply sent to this member (under the hub's lock): what a request it made was answered with.</summary>
    public Transport.ReplyCode? LastReply { get; set; }

    /// <summary>Requests answered or refused (see <see cref="HubSettings.RequestBurst"/>).</summary>
    public NickRateLimit Requests { get; }

    /// <summary>Every request, refused ones included: ten times the request rate ends the session as a flood.</summary>
    public NickRateLimit RequestFlood { get; }

    public bool IsIn(Room room) => Rooms.Contains(room);
}
