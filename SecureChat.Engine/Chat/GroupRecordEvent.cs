using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Chat;

/// <summary>
/// A v4 record parsed under the link's lock, waiting in the link's event queue to be handed to its owner's
/// <see cref="IHubGroupRecords"/> or <see cref="IMemberGroupRecords"/> outside it, in order with the other events.
/// <see cref="Size"/> is the memory it holds (its MLS payload), which counts against the receive queue's limit.
/// Immutable.
/// </summary>
/// <param name="Type">The record's type.</param>
/// <param name="Size">Bytes of payload it holds.</param>
/// <param name="Deliver">Hands the parsed record to the owner's interface.</param>
internal sealed record GroupRecordEvent(FrameType Type, int Size, Action Deliver) : SessionEvent;
