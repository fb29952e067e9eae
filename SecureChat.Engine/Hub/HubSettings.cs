namespace SecureChat.Engine.Hub;

/// <summary>
/// The limits and outside services of a hub's router (protocol v3, PROTOCOL.md section 8): rooms per member and per
/// hub, the per-member request bucket, bans, and the name registry. Immutable.
/// </summary>
internal sealed record HubSettings
{
    /// <summary>A flood of requests (that many times the request rate) ends the session instead of being answered.</summary>
    public const int FloodFactor = 10;

    /// <summary>Rooms one member may be in at once (the hub's operator is not bound).</summary>
    public int MaxRoomsPerMember { get; init; } = 64;

    /// <summary>Rooms a hub keeps at once (<c>#lobby</c> included).</summary>
    public int MaxRooms { get; init; } = 4096;

    /// <summary>Requests a member may send at once before <see cref="RequestInterval"/> applies.</summary>
    public int RequestBurst { get; init; } = 20;

    /// <summary>After <see cref="RequestBurst"/>, one more request per this interval.</summary>
    public TimeSpan RequestInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How long a member designated to commit has before the next member is tasked (PROTOCOL.md 4.8, <c>TaskTimeout</c>).</summary>
    public TimeSpan TaskTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an identity may stay away before it is removed from every room at once (PROTOCOL.md 4.8, <c>AwayMax</c>).</summary>
    public TimeSpan AwayMax { get; init; } = TimeSpan.FromDays(7);

    /// <summary>
    /// The <c>mls</c> bytes an away member's queue keeps per group (PROTOCOL.md 4.8, <c>AwayQueueBytes</c>): past it, the
    /// member is removed from that room (<c>missed too much</c>) and that queue dropped.
    /// </summary>
    public long AwayQueueBytes { get; init; } = 4L << 20;

    /// <summary>Where bans are kept (in memory when null).</summary>
    public IRoomBans Bans { get; init; } = new MemoryRoomBans();

    /// <summary>
    /// Gives a member a name (see <see cref="Transport.ChatOptions.ClaimName"/>): the name asked for, the member's
    /// identity public key, and a test for names in use; null: names are only unique among those connected.
    /// </summary>
    public Func<string, byte[], Func<string, bool>, string>? ClaimName { get; init; }

    /// <summary>The identity digest that owns a name in the hub's registry (for an unban or ban of someone not connected), or null.</summary>
    public Func<string, byte[]?>? NameOwner { get; init; }
}
