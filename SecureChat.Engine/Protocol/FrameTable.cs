using System.Diagnostics.CodeAnalysis;

namespace SecureChat.Engine.Protocol;

/// <summary>
/// Every assigned frame type as data (PROTOCOL.md 2, 4.1, 6), in the manner of h11's transitions table: who may send
/// it, in which phase, who consumes it, whether it counts toward Close's <c>received</c> number and whether it is a
/// chat message. The session, the record receiver and the chat read it instead of keeping lists of their own, so a
/// new type is added here once. Every type not listed is unassigned. Pure and thread-safe.
/// </summary>
internal static class FrameTable
{
    private static readonly FrameKind?[] s_byType = Build(
    [
        new(FrameType.ClientHello, FramePhase.ClearHandshake, FrameSender.Client, RecordConsumer.Handshake, CountsTowardReceived: false),
        new(FrameType.ServerHello, FramePhase.ClearHandshake, FrameSender.Server, RecordConsumer.Handshake, CountsTowardReceived: false),
        new(FrameType.Commit, FramePhase.ClearHandshake, FrameSender.Client, RecordConsumer.Handshake, CountsTowardReceived: false),
        new(FrameType.KeyShare, FramePhase.ClearHandshake, FrameSender.Server, RecordConsumer.Handshake, CountsTowardReceived: false),
        new(FrameType.Reveal, FramePhase.ClearHandshake, FrameSender.Client, RecordConsumer.Handshake, CountsTowardReceived: false),
        new(FrameType.Puzzle, FramePhase.ClearHandshake, FrameSender.Server, RecordConsumer.Handshake, CountsTowardReceived: false),
        new(FrameType.ServerAuth, FramePhase.SealedHandshake, FrameSender.Server, RecordConsumer.Handshake, CountsTowardReceived: true),
        new(FrameType.ClientAuth, FramePhase.SealedHandshake, FrameSender.Client, RecordConsumer.Handshake, CountsTowardReceived: true),
        new(FrameType.Alert, FramePhase.ClearBeforeSecure, FrameSender.Either, RecordConsumer.Session, CountsTowardReceived: false),

        new(FrameType.Nick, FramePhase.Record, FrameSender.Client, RecordConsumer.Application, CountsTowardReceived: true),
        new(FrameType.Presence, FramePhase.Record, FrameSender.Server, RecordConsumer.Application, CountsTowardReceived: true),
        new(FrameType.RekeyInit, FramePhase.Record, FrameSender.Either, RecordConsumer.Session, CountsTowardReceived: true),
        new(FrameType.RekeyAck, FramePhase.Record, FrameSender.Either, RecordConsumer.Session, CountsTowardReceived: true),
        new(FrameType.RekeyFinish, FramePhase.Record, FrameSender.Either, RecordConsumer.Session, CountsTowardReceived: true, Plaintext: IsEmpty),
        new(FrameType.Close, FramePhase.Record, FrameSender.Either, RecordConsumer.Session, CountsTowardReceived: true, Plaintext: IsClose),
        new(FrameType.Heartbeat, FramePhase.Record, FrameSender.Either, RecordConsumer.Session, CountsTowardReceived: true, Plaintext: IsEmpty),
        new(FrameType.Ack, FramePhase.Record, FrameSender.Server, RecordConsumer.Session, CountsTowardReceived: true, Plaintext: IsAck),
        new(FrameType.Request, FramePhase.Record, FrameSender.Client, RecordConsumer.Application, CountsTowardReceived: true),
        new(FrameType.RoomEvent, FramePhase.Record, FrameSender.Server, RecordConsumer.Application, CountsTowardReceived: true),
        new(FrameType.RoomInfo, FramePhase.Record, FrameSender.Server, RecordConsumer.Application, CountsTowardReceived: true),
        new(FrameType.Reply, FramePhase.Record, FrameSender.Server, RecordConsumer.Application, CountsTowardReceived: true),

        new(FrameType.KeyPackages, FramePhase.Record, FrameSender.Client, RecordConsumer.Application, CountsTowardReceived: true, CarriesMls: true),
        new(FrameType.GroupTask, FramePhase.Record, FrameSender.Server, RecordConsumer.Application, CountsTowardReceived: true, CarriesMls: true),
        new(FrameType.GroupCommit, FramePhase.Record, FrameSender.Client, RecordConsumer.Application, CountsTowardReceived: true, CarriesMls: true),
        new(FrameType.CommitResult, FramePhase.Record, FrameSender.Server, RecordConsumer.Application, CountsTowardReceived: true),
        new(FrameType.CommitRelay, FramePhase.Record, FrameSender.Server, RecordConsumer.Application, CountsTowardReceived: true, CarriesMls: true),
        new(FrameType.WelcomeRelay, FramePhase.Record, FrameSender.Server, RecordConsumer.Application, CountsTowardReceived: true, CarriesMls: true),
        new(FrameType.GroupMessage, FramePhase.Record, FrameSender.Client, RecordConsumer.Application, CountsTowardReceived: true, IsChatMessage: true, CarriesMls: true),
        new(FrameType.GroupRelay, FramePhase.Record, FrameSender.Server, RecordConsumer.Application, CountsTowardReceived: true, IsChatMessage: true, CarriesMls: true),
        new(FrameType.KeyPackageRelay, FramePhase.Record, FrameSender.Server, RecordConsumer.Application, CountsTowardReceived: true, CarriesMls: true),
        new(FrameType.Part, FramePhase.Record, FrameSender.Either, RecordConsumer.Application, CountsTowardReceived: true, Plaintext: PartRecord.IsValid),
    ]);

    /// <summary>Close: u8 code || u64 records received.</summary>
    public const int CloseSize = 9;

    /// <summary>Every assigned type, in type order.</summary>
    public static IEnumerable<FrameKind> All => s_byType.OfType<FrameKind>();

    /// <summary>The row of an assigned type; false for an unassigned one.</summary>
    public static bool TryGet(byte type, [MaybeNullWhen(false)] out FrameKind kind)
    {
        kind = s_byType[type];
        return kind is not null;
    }

    /// <summary>The row of an assigned type (a caller bug otherwise).</summary>
    public static FrameKind Of(FrameType type) =>
        s_byType[(byte)type] ?? throw new ArgumentException($"0x{(byte)type:X2} is not an assigned frame type", nameof(type));

    /// <summary>
    /// True for the types only ever sent in the clear: the hellos, Commit, KeyShare, Reveal, Puzzle, Alert. Once a
    /// session is secure every other type, assigned or not, is a record whose MAC decides what it is.
    /// </summary>
    public static bool IsClear(byte type) => s_byType[type]?.IsClear == true;

    private static FrameKind?[] Build(FrameKind[] kinds)
    {
        var table = new FrameKind?[256];
        foreach (FrameKind kind in kinds)
        {
            if (table[(byte)kind.Type] is not null)
            {
                throw new InvalidOperationException($"{kind.Type} is listed twice");
            }

            table[(byte)kind.Type] = kind;
        }

        return table;
    }

    private static bool IsEmpty(ReadOnlySpan<byte> plaintext) => plaintext.IsEmpty;

    private static bool IsClose(ReadOnlySpan<byte> plaintext) => plaintext.Length == CloseSize;

    private static bool IsAck(ReadOnlySpan<byte> plaintext) => plaintext.Length == AckRecord.Size;

    /// <summary>
    /// The client's records a hub answers with an Ack once it has handled the read that brought them (PROTOCOL.md
    /// 4.2): what the client sends and waits to see confirmed (its messages, requests and name), and its heartbeat,
    /// whose answer measures the link's lag.
    /// </summary>
    public static bool IsAcknowledged(FrameType type) =>
        type is FrameType.Request or FrameType.Nick or FrameType.Heartbeat or FrameType.KeyPackages or FrameType.GroupCommit or FrameType.GroupMessage;
}
