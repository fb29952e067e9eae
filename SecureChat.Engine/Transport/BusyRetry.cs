using SecureChat.Engine.Session;

namespace SecureChat.Engine.Transport;

/// <summary>
/// Client: the server refused a connection as busy (or as too many from this address) before it answered the hello,
/// and the client waits <see cref="Delay"/> before retry <see cref="Attempt"/> of <see cref="Of"/>
/// (<see cref="ChatOptions.BusyRetries"/>). Carried by the <see cref="SessionStage.WaitingToRetry"/> snapshot. Immutable.
/// </summary>
/// <param name="Reason">Why the server refused: <see cref="FailureReason.ServerBusy"/> or <see cref="FailureReason.RateLimited"/>.</param>
public sealed record BusyRetry(int Attempt, int Of, TimeSpan Delay, FailureReason Reason);
