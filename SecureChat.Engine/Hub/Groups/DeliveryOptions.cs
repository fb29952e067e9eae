namespace SecureChat.Engine.Hub.Groups;

/// <summary>The delivery service's bounds and clock (PROTOCOL.md section 8). Immutable.</summary>
internal sealed record DeliveryOptions
{
    /// <summary>How long a designated member has to get a commit accepted before the next member is tasked.</summary>
    public TimeSpan TaskTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Leaves of one group (<c>MlsMembersMax</c>).</summary>
    public int MembersMax { get; init; } = 4096;

    /// <summary>Removals one GroupTask names (so its head fits in one record); more wait for the next task.</summary>
    public int TaskRemovalsMax { get; init; } = 500;

    /// <summary>Joiners one GroupTask names; more wait for the next task.</summary>
    public int TaskJoinersMax { get; init; } = 255;

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
