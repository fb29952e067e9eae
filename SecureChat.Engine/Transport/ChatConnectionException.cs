using SecureChat.Engine.Session;

namespace SecureChat.Engine.Transport;

/// <summary>Connecting or the handshake failed; <see cref="Exception.Message"/> is one line for a person.</summary>
public sealed class ChatConnectionException : Exception
{
    public ChatConnectionException(SessionFailure failure)
        : base(failure.Message)
    {
        Failure = failure;
    }

    public SessionFailure Failure { get; }
}
