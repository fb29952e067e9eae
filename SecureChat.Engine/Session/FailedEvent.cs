namespace SecureChat.Engine.Session;

internal sealed record FailedEvent(SessionFailure Failure) : SessionEvent;
