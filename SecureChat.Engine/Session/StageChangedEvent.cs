namespace SecureChat.Engine.Session;

internal sealed record StageChangedEvent(SessionStage Stage) : SessionEvent;
