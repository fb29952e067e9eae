namespace SecureChat.Bench;

/// <summary>
/// The rooms of the hub benchmark: every client is in <c>#lobby</c> (the fan-out's room) and in one of
/// <see cref="Rooms"/> rooms by its index; the first <see cref="BigRoomMembers"/> clients (at most all but one) are also
/// in <see cref="BigRoom"/>, which a client outside it then joins and parts, timed.
/// </summary>
internal static class HubRoomPlan
{
    public const int Rooms = 100;

    public const string BigRoom = "#big";

    public const int BigRoomMembers = 1000;

    /// <summary>The room client <paramref name="index"/> joins besides <c>#lobby</c>.</summary>
    public static string RoomOf(int index) => $"#r{index % Rooms:D2}";

    /// <summary>How many clients of a hub of <paramref name="count"/> are in <see cref="BigRoom"/>: at most all but one, the joiner.</summary>
    public static int BigRoomSize(int count) => Math.Min(BigRoomMembers, count - 1);
}
