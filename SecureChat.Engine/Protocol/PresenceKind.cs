namespace SecureChat.Engine.Protocol;

/// <summary>What a Presence record announces about another peer of the hub.</summary>
public enum PresenceKind : byte
{
    Joined = 1,
    Left = 2,
    Renamed = 3,
}
