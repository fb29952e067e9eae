namespace SecureChat.Engine.Transport;

/// <summary>What <see cref="ServerOutputBudget.TryLend"/> decided for a record past a peer's fair share.</summary>
internal enum LendResult
{
    /// <summary>The record may be given: room was lent against peers being dropped.</summary>
    Lent,

    /// <summary>Peers being dropped do not hold enough: another must be chosen.</summary>
    NoRoom,

    /// <summary>The lend limit is reached: the peer the record is for is dropped.</summary>
    Exhausted,
}
