namespace SecureChat.Engine.History;

/// <summary>The cost of Argon2id for a history passphrase: memory in KiB and the number of passes (one lane).</summary>
internal readonly record struct HistoryKdfCost(int MemoryKib, int Passes);
