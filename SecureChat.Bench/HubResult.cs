namespace SecureChat.Bench;

/// <summary>What the hub benchmark measured (see <see cref="HubBench"/>): sessions, memory per session, fan-out times, the hub's CPU per recipient beside its floor (one seal and one send), and presence drained.</summary>
internal sealed record HubResult(
    int Sessions,
    int Failed,
    int SecondStageSessions,
    double ConnectMs,
    string ServerFailures,
    long ManagedBytes,
    long WorkingSetBytes,
    long PrivateBytes,
    double WorkingSetSlope,
    double PrivateSlope,
    Samples Fanout,
    Samples FanoutSeal,
    Samples FanoutWritten,
    Samples CpuPerRecipient,
    Samples FanoutCores,
    Samples SealSend,
    Samples SealSendWall,
    string FanoutThreads,
    int Puzzles,
    double DrainMs,
    long PresenceGot,
    long PresenceExpected,
    double FillSeconds);
