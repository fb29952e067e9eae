namespace SecureChat.Engine.Protocol;

/// <summary>True when a record's plaintext has the layout its type requires. Pure; never throws on peer bytes.</summary>
internal delegate bool PlaintextCheck(ReadOnlySpan<byte> plaintext);
