using System.Net.Sockets;

namespace SecureChat.Engine.Transport;

/// <summary>Socket errors in the words a person expects ("connection refused", not a stack trace).</summary>
internal static class SocketErrors
{
    public static string Describe(SocketException e) => e.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "host not found",
        SocketError.TimedOut => "timed out",
        SocketError.NetworkUnreachable or SocketError.HostUnreachable => "unreachable",
        SocketError.AddressAlreadyInUse => "address already in use",
        SocketError.AddressNotAvailable => "address not available on this machine",
        SocketError.AccessDenied => "permission denied",
        _ => e.Message.ToLowerInvariant(),
    };
}
