namespace SecureChat.Engine.Hub.Store;

/// <summary>
/// The bounds of a hub's store and forward: how much of each room's log it keeps (bytes of <c>mls</c> and age), and
/// how much it holds for one absent recipient. Immutable.
/// </summary>
internal sealed record HubStoreOptions
{
    /// <summary>The <c>mls</c> bytes a room's log keeps; past it the oldest records go first.</summary>
    public long RoomBytesMax { get; init; } = 64L << 20;

    /// <summary>How long a room's records are kept (the default matches the hub's <c>AwayMax</c>).</summary>
    public TimeSpan RoomAgeMax { get; init; } = TimeSpan.FromDays(7);

    /// <summary>The <c>mls</c> bytes held for one recipient (the hub's <c>AwayQueueBytes</c> by default).</summary>
    public long HeldBytesMax { get; init; } = 4L << 20;

    /// <summary>Records held for one recipient.</summary>
    public int HeldCountMax { get; init; } = 10_000;

    /// <summary>How long a held record waits for its recipient.</summary>
    public TimeSpan HeldAgeMax { get; init; } = TimeSpan.FromDays(7);

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
