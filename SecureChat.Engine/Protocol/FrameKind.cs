namespace SecureChat.Engine.Protocol;

/// <summary>
/// One row of <see cref="FrameTable"/>: a frame type, who may send it and when, who consumes it, and how it counts.
/// Immutable.
/// </summary>
/// <param name="CountsTowardReceived">
/// A record the receiver opens counts toward the <c>received</c> number its Close reports (PROTOCOL.md 4.1): every
/// sealed type, the sealed handshake records included; nothing sent in the clear.
/// </param>
/// <param name="IsChatMessage">
/// A chat message: one sealed at or above the peer's <c>received</c> is reported as not delivered (PROTOCOL.md 6).
/// </param>
/// <param name="Plaintext">
/// Checks the plaintext's layout before its consumer sees it, for records whose layout is fixed (Close, the empty
/// ones). Null where the consumer parses it whole, because it needs the fields (the chat's records, the rekey's
/// public values, whose length depends on the group, and the auth messages).
/// </param>
/// <param name="CarriesMls">
/// The record ends with an <c>mls</c> field, to which the Parts received before it are prepended (PROTOCOL.md 4.1.1).
/// </param>
internal sealed record FrameKind(
    FrameType Type,
    FramePhase Phase,
    FrameSender Sender,
    RecordConsumer Consumer,
    bool CountsTowardReceived,
    bool IsChatMessage = false,
    PlaintextCheck? Plaintext = null,
    bool CarriesMls = false)
{
    public string Name => Type.ToString();

    public bool IsClear => Phase is FramePhase.ClearHandshake or FramePhase.ClearBeforeSecure;

    /// <summary>True when the side of role <paramref name="client"/> (true: client, false: server) may send it.</summary>
    public bool MayBeSentBy(bool client) => Sender == FrameSender.Either || Sender == (client ? FrameSender.Client : FrameSender.Server);
}
