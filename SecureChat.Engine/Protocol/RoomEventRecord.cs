namespace SecureChat.Engine.Protocol;

/// <summary>
/// RoomEvent (0x1D, hub to client): <c>u8 kind || room || digest actor || str8 actor_name || digest target || str8
/// target_name || str8 text</c>. Kinds 1 to 10 (topic, mode, kicked, banned, unbanned, muted, unmuted, opped, deopped,
/// invited); the room is always set; a name is empty exactly when its digest is all zero (nobody); Topic and Mode have
/// no target and every other kind but Invited has one; a Mode's text is <c>+i</c> or <c>-i</c>. Immutable.
/// </summary>
internal readonly record struct RoomEventRecord(byte Kind, string Room, byte[] Actor, string ActorName, byte[] Target, string TargetName, string Text)
{
    public const byte KindTopic = 1;
    public const byte KindMode = 2;
    public const byte KindInvited = 10;

    public const int SizeMax = 1 + RecordPayload.RoomFieldMax + 2 * (WireFormat.IdentityDigestSize + RecordPayload.NameFieldMax) + RecordPayload.TextFieldMax;

    public static int Write(Span<byte> destination, byte kind, string room, ReadOnlySpan<byte> actor, string actorName, ReadOnlySpan<byte> target, string targetName, string text)
    {
        if (kind is 0 or > KindInvited || room.Length == 0)
        {
            throw new ArgumentException($"a RoomEvent of kind {kind} in room \"{room}\" breaks its layout", nameof(kind));
        }

        destination[0] = kind;
        int offset = 1 + RecordPayload.WriteRoom(destination[1..], room);
        offset += RecordPayload.WriteDigest(destination[offset..], actor);
        offset += RecordPayload.WriteName(destination[offset..], actorName, allowEmpty: true);
        offset += RecordPayload.WriteDigest(destination[offset..], target);
        offset += RecordPayload.WriteName(destination[offset..], targetName, allowEmpty: true);
        return offset + RecordPayload.WriteFieldText(destination[offset..], text);
    }

    public static bool TryParse(ReadOnlySpan<byte> plaintext, out RoomEventRecord record)
    {
        record = default;
        if (plaintext.IsEmpty || plaintext[0] is 0 or > KindInvited)
        {
            return false;
        }

        byte kind = plaintext[0];
        plaintext = plaintext[1..];
        if (!RecordPayload.TryReadRoom(ref plaintext, out string room) || room.Length == 0
            || !RecordPayload.TryReadDigest(ref plaintext, out byte[] actor)
            || !RecordPayload.TryReadName(ref plaintext, allowEmpty: true, out string actorName)
            || !RecordPayload.TryReadDigest(ref plaintext, out byte[] target)
            || !RecordPayload.TryReadName(ref plaintext, allowEmpty: true, out string targetName)
            || !RecordPayload.TryReadFieldText(ref plaintext, out string text)
            || !plaintext.IsEmpty)
        {
            return false;
        }

        bool nobodyTarget = RecordPayload.IsNobody(target);
        bool consistent = RecordPayload.IsNobody(actor) == (actorName.Length == 0)
            && nobodyTarget == (targetName.Length == 0)
            && kind switch
            {
                KindTopic => nobodyTarget,
                KindMode => nobodyTarget && text is "+i" or "-i",
                KindInvited => true,
                _ => !nobodyTarget,
            };
        if (!consistent)
        {
            return false;
        }

        record = new RoomEventRecord(kind, room, actor, actorName, target, targetName, text);
        return true;
    }
}
