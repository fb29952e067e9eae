namespace SecureChat.Engine.Protocol;

/// <summary>What a Presence record announces about another peer of the hub.</summary>
public enum PresenceKind : byte
{
    Joined = 1,
    Left = 2,
    Renamed = 3,
    /// <summary>Someone already on the hub when the receiver joined (the member list a newcomer gets).</summary>
    Member = 4,
    /// <summary>The name the hub gave the receiver itself (what it asked for, or another if that was taken).</summary>
    You = 5,
    /// <summary>
    /// The answer to the receiver's own Nick when the hub refuses it because names changed too fast: the name stays
    /// what it was (the notice's name).
    /// </summary>
    Refused = 6,

    /// <summary>Someone left one room (the notice's room), with a reason; sent to the one who left too.</summary>
    Parted = 7,

    /// <summary>Version 4: someone's last link dropped; it stays a member of its rooms and groups.</summary>
    Away = 8,

    /// <summary>Version 4: someone away has a link again.</summary>
    Back = 9,
}
