using System.Net;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Tui.App;

/// <summary>How stages and addresses read on the screen and in headless output. Thread-safe (pure).</summary>
internal static class StageWords
{
    public static string Describe(SessionStage stage) => stage switch
    {
        SessionStage.Connecting => "connecting",
        SessionStage.SolvingPuzzle => "solving the server's puzzle",
        SessionStage.WaitingToRetry => "server busy, retrying",
        SessionStage.Connected => "connected",
        SessionStage.ExchangingKeys => "exchanging keys",
        SessionStage.DerivingKey => "deriving key",
        SessionStage.Confirming => "confirming keys",
        SessionStage.Secure => "secure",
        SessionStage.Rekeying => "rekeying",
        SessionStage.Closed => "disconnected",
        SessionStage.Failed => "failed",
        _ => stage.ToString(),
    };

    /// <summary>A link's stage, with which retry a client waits for after a busy refusal: "server busy, retrying (2/4)".</summary>
    public static string Describe(PeerInfo link) => link is { Stage: SessionStage.WaitingToRetry, Retry: { } retry }
        ? $"{Describe(link.Stage)} ({retry.Attempt}/{retry.Of})"
        : Describe(link.Stage);

    /// <summary>"127.0.0.1:54321", "[::1]:54321" (IPv4-mapped addresses shown as IPv4).</summary>
    public static string Address(EndPoint endPoint) => endPoint switch
    {
        IPEndPoint ip => HostPort(Plain(ip.Address).ToString(), ip.Port),
        DnsEndPoint dns => HostPort(dns.Host, dns.Port),
        _ => endPoint.ToString() ?? "?",
    };

    /// <summary>"host:port", with an IPv6 address in brackets ("[::1]:12345") so the port cannot be mistaken for part of it.</summary>
    public static string HostPort(string host, int port) =>
        host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]:{port}" : $"{host}:{port}";

    private static IPAddress Plain(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
