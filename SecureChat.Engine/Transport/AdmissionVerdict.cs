namespace SecureChat.Engine.Transport;

/// <summary>Whether a new connection may start a handshake.</summary>
internal enum AdmissionVerdict
{
    Admitted,
    Busy,
    RateLimited,
}
