namespace SecureChat.Bench;

/// <summary>What the hub benchmark measured (see <see cref="HubBench"/>): sessions, memory per session, fan-out times and presence drained.</summary>
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
    int Puzzles,
    double DrainMs,
    long PresenceGot,
    long PresenceExpected,
    double FillSeconds);
