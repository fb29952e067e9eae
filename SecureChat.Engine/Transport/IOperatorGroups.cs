using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Transport;

/// <summary>
/// Where the hub operator's MLS state gets the group records a client would get (PROTOCOL.md 4.8: the operator is a
/// member like any client). <see cref="OperatorOutput"/> calls it in order on its event queue, never under the hub's
/// lock; the operator's commits and messages come back through the server. Implementations are thread-safe.
/// </summary>
internal interface IOperatorGroups
{
    /// <summary>RoomInfo <c>entered</c> for the operator: the room's <c>group_id</c>, and whether it founds the group.</summary>
    void Entered(string room, bool founder, byte[] groupId);

    void Task(GroupTaskRecord task);

    void CommitResult(CommitResultRecord result);

    void CommitRelay(CommitRelayRecord relay);

    void WelcomeRelay(WelcomeRelayRecord relay);

    void GroupRelay(GroupRelayRecord relay);

    void KeyPackageRelay(KeyPackageRelayRecord relay);

    /// <summary>Presence about someone, which a group book follows (who is in a room, who left it).</summary>
    void Presence(PresenceKind kind, string room, byte[] digest);

    /// <summary>RoomEvent <c>kicked</c> or <c>banned</c> of <paramref name="target"/> from <paramref name="room"/>.</summary>
    void Removed(string room, byte[] target);

    /// <summary>A Reply to the operator (stale epoch, few or no key packages are the book's).</summary>
    void Replied(ReplyCode code, byte op, string room, byte[] digest, string text);
}
