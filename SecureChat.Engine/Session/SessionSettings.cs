using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session;

/// <summary>Everything a <see cref="SecureSession"/> needs besides the bytes. Immutable.</summary>
internal sealed record SessionSettings
{
    public required SessionRole Role { get; init; }

    /// <summary>
    /// The smallest group this side accepts. A client offers it and every larger group; a server picks the
    /// first of (its own group, then larger ones) that the client offered.
    /// </summary>
    public DhGroupId Group { get; init; } = DhGroupId.Ffdhe2048;

    /// <summary>Client: the count it proposes. Both: the minimum it accepts.</summary>
    public int Iterations { get; init; } = WireFormat.IterationsDefault;

    /// <summary>UTF-8 bytes of the optional shared passphrase (empty for none). Owned by the caller.</summary>
    public byte[] Passphrase { get; init; } = [];

    public long RekeyAfterRecords { get; init; } = WireFormat.RekeyAfterRecords;

    public TimeSpan RekeyAfterTime { get; init; } = WireFormat.RekeyAfterTime;

    public IRandomSource Random { get; init; } = SystemRandom.Instance;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The groups a client offers, and a server prefers, in order: its own, then every larger one.</summary>
    public IEnumerable<DhGroup> AcceptableGroups()
    {
        int own = DhGroup.Get(Group).ElementSize;
        return DhGroup.All.Where(g => g.ElementSize >= own).OrderBy(g => g.ElementSize);
    }
}
