using System.Reflection;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Tui.Tests.Support;

/// <summary>
/// Raises an endpoint's events as its engine would, for the model's tests of what it does with them (the
/// acknowledgements and lag a hub reports, a link that fails without a Close), through the endpoint's own raising
/// methods. Thread-safe.
/// </summary>
internal static class EngineEvents
{
    private static void Raise(ChatEndpoint endpoint, string method, params object[] arguments) =>
        (typeof(ChatEndpoint).GetMethod(method, BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new MissingMethodException(nameof(ChatEndpoint), method)).Invoke(endpoint, arguments);

    public static void Acknowledged(ChatEndpoint endpoint, PeerInfo link, int count) => Raise(endpoint, "OnAcknowledged", link, count);

    public static void LagMeasured(ChatEndpoint endpoint, PeerInfo link, TimeSpan lag) => Raise(endpoint, "OnLagMeasured", link, lag);

    public static void Failed(ChatEndpoint endpoint, PeerInfo link, SessionFailure failure) => Raise(endpoint, "OnFailed", link, failure);
}
