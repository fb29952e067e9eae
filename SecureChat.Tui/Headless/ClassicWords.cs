using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;
using SecureChat.Tui.App;

namespace SecureChat.Tui.Headless;

/// <summary>
/// Headless mode's words for links and refused input: those of the classic command-line chat, which scripts and
/// tests read (<see cref="ConsoleView"/> adds the <c>[*]</c> and <c>[!]</c>), each line named as an event with its
/// fields for <c>--json</c>; a peer's address reads host:port. Thread-safe (pure).
/// </summary>
internal sealed class ClassicWords : ChatWords
{
    public override CommandModes Mode => CommandModes.Headless;

    protected override string OtherWaysToQuit => "or type exit";

    protected override string HowToQuit => "type exit";

    public override IEnumerable<ChatLine> Listening(string address) =>
    [
        ChatLine.Of("listening", $"Server listening on {address}", ChatLine.Field("address", address)),
        ChatLine.Notice("Waiting for client connection..."),
    ];

    public override ChatLine Connecting(string address) =>
        ChatLine.Of("stage", $"Connecting to {address}...", ChatLine.Field("stage", "connecting"), ChatLine.Field("address", address));

    public override IEnumerable<ChatLine> LinkOpened(PeerInfo link, bool isServer) =>
    [
        ChatLine.Of(
            "stage",
            isServer ? $"New connection from {Address(link)}" : "Connected to server",
            ChatLine.Field("stage", "connected"),
            ChatLine.Field("address", Address(link))),
    ];

    public override IEnumerable<ChatLine> LinkSecured(PeerInfo link, bool isServer) =>
    [
        ChatLine.Of(
            "secure",
            isServer ? $"Secure connection established with {Address(link)}" : "Secure connection established!",
            ChatLine.Field("address", Address(link)),
            ChatLine.Field("fingerprint", link.Fingerprint),
            ChatLine.Field("sas", link.Sas)),
        ChatLine.Notice($"Key fingerprint: {link.Fingerprint}"),
        ChatLine.Notice($"Short authentication string (compare with your peer): {link.Sas}"),
        Identity(link),
    ];

    public override ChatLine LinkRekeyed(PeerInfo link) => ChatLine.Of(
        "rekey",
        $"Keys renewed with {link.Name}; new key fingerprint: {link.Fingerprint}",
        ChatLine.Field("from", link.Name),
        ChatLine.Field("fingerprint", link.Fingerprint),
        ChatLine.Field("sas", link.Sas));

    public override ChatLine LinkFailed(PeerInfo link, SessionFailure failure, bool isServer) =>
        ChatLine.Error((isServer ? Address(link) + ": " : string.Empty) + failure.Message) with
        {
            Fields = [ChatLine.Field("address", Address(link))],
        };

    public override ChatLine LinkClosed(PeerInfo link, bool byPeer, bool isServer) => ChatLine.Of(
        "closed",
        isServer ? $"Connection closed with {Address(link)}"
        : byPeer ? "Server closed the connection"
        : "Connection closed",
        ChatLine.Field("address", Address(link)),
        ChatLine.Field("by_peer", byPeer));

    /// <summary>A peer's address as every headless line gives it: 127.0.0.1:54321, [::1]:54321.</summary>
    private static string Address(PeerInfo link) => StageWords.Address(link.RemoteEndPoint);

    public override ChatLine NobodyToSendTo(bool isServer) =>
        ChatLine.Error(isServer ? "no client is connected yet: message not sent" : "the connection is not secure: message not sent");

    public override ChatLine TooLong() => ChatLine.Error($"message not sent: a message is at most {ChatOptions.MaxMessageBytes} bytes of UTF-8");

    public override ChatLine NotSent(string reason) => ChatLine.Error("message not sent: " + reason);
}
