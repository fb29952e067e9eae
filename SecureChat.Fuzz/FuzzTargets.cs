using System.Buffers;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;

namespace SecureChat.Fuzz;

/// <summary>
/// What the fuzzer drives. Each target must never throw for any input: an exception here is a bug, and
/// libFuzzer reports it as a crash with the input that caused it.
/// </summary>
internal static class FuzzTargets
{
    public static bool TryGet(string name, out Action<ReadOnlyMemory<byte>> target)
    {
        target = name switch
        {
            "frames" => Frames,
            "server" => input => Session(SessionRole.Server, input),
            "client" => input => Session(SessionRole.Client, input),
            _ => null!,
        };
        return target is not null;
    }

    /// <summary>The pure parsers: frame header, hellos, alert, record plaintexts.</summary>
    private static void Frames(ReadOnlyMemory<byte> input)
    {
        ReadOnlySpan<byte> bytes = input.Span;
        while (FrameHeader.TryRead(bytes, out byte _, out int length) == OperationStatus.Done && bytes.Length >= WireFormat.FrameHeaderSize + length)
        {
            ReadOnlySpan<byte> body = bytes.Slice(WireFormat.FrameHeaderSize, length);
            ClientHello.TryParse(body, out _);
            ServerHello.TryParse(body, out _);
            AlertMessage.TryParse(body, out _);
            KeyShareMessage.TrySplit(body, 256, out _, out _);
            PuzzleMessage.TryParse(body, out _);
            AuthMessage.TryParse(body, out _, out _);
            NickRecord.TryParse(body, out _);
            PresenceRecord.TryParse(body, out _);
            AckRecord.TryParse(body, out _);
            RequestRecord.TryParse(body, out _);
            RoomEventRecord.TryParse(body, out _);
            RoomInfoRecord.TryParse(body, out _);
            ReplyRecord.TryParse(body, out _);
            bytes = bytes[(WireFormat.FrameHeaderSize + length)..];
        }
    }

    /// <summary>A fresh session fed the input as if it came from the peer, in two chunks to exercise buffering.</summary>
    private static void Session(SessionRole role, ReadOnlyMemory<byte> input)
    {
        using var session = new SecureSession(new SessionSettings { Role = role, Iterations = 1_000, MaxIterations = 1_000 });
        session.Start();
        int split = input.Length / 2;
        session.Receive(input.Span[..split]);
        session.Receive(input.Span[split..]);
        if (role == SessionRole.Server && session.KeyDerivationPending)
        {
            // A server only derives keys after a Reveal that matches the Commit (a SHA-256 preimage), which no
            // fuzzer can forge: reaching it would mean the commitment check was skipped.
            throw new InvalidOperationException("fuzz input reached key derivation");
        }
    }
}
