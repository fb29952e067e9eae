namespace SecureChat.Tui.CommandLine;

/// <summary>What a number in the limits table counts; the option's value, the config key's and the help all use it.</summary>
internal enum LimitUnit
{
    /// <summary>A whole count (peers, handshakes, name changes).</summary>
    Count,

    /// <summary>0 to 100.</summary>
    Percent,

    /// <summary>Leading zero bits of a puzzle answer.</summary>
    Bits,

    Milliseconds,

    Seconds,

    /// <summary>Kibibytes (1024 bytes); the engine counts bytes.</summary>
    Kib,

    /// <summary>One of a few words (<see cref="ServerLimit.Choices"/>), stored as the word's index.</summary>
    Choice,
}
