namespace SecureChat.Engine.Protocol;

/// <summary>Which frame types travel in the clear (PROTOCOL.md 2). Pure.</summary>
internal static class FrameTypes
{
    /// <summary>
    /// True for the types only ever sent in the clear: the hellos, Commit, KeyShare, Reveal, Puzzle, Alert. Once a
    /// session is secure every other type, assigned or not, is a record whose MAC decides what it is.
    /// </summary>
    public static bool IsClear(byte type) => type is >= (byte)FrameType.ClientHello and <= (byte)FrameType.Reveal
        or (byte)FrameType.Puzzle or (byte)FrameType.Alert;

    /// <summary>True for the record types of the secure channel (0x10-0x18).</summary>
    public static bool IsRecord(byte type) => type is >= (byte)FrameType.Chat and <= (byte)FrameType.Heartbeat;
}
