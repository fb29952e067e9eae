using SecureChat.Engine.Identity;

namespace SecureChat.Engine.History;

/// <summary>How to open the history: where it is, how its key is kept, how long lines are kept.</summary>
public sealed class HistoryOptions
{
    /// <summary>The data directory (see <see cref="History.DataDirectory.Resolve"/>): the database lives there.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The config directory: <c>history.key</c> lives there, beside the identity, when there is no passphrase.</summary>
    public required ConfigDirectory ConfigDirectory { get; init; }

    /// <summary>
    /// The history passphrase as UTF-8 bytes (the app's pinned array; the store keeps no copy), or null to keep the
    /// key in <c>history.key</c> instead. A history made with one way is opened only with the same way.
    /// </summary>
    public byte[]? Passphrase { get; init; }

    /// <summary>Lines older than this are deleted at open and by <see cref="HistoryStore.ApplyRetention"/>; null keeps all.</summary>
    public TimeSpan? Retention { get; init; }

    /// <summary>The clock of retention.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The cost of Argon2id for a new passphrase wrap (tests make it cheap).</summary>
    internal HistoryKdfCost KdfCost { get; init; } = HistoryKeyWrap.DefaultCost;
}
