using System.Buffers;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session;

/// <summary>
/// The bytes a session has written for its peer and not yet handed to the transport: whole frames, appended in
/// order, taken in exchange for an empty buffer (no copy). Not thread-safe.
/// </summary>
internal sealed class SessionOutput
{
    private ArrayBufferWriter<byte> _buffer = new(256);

    public bool HasOutput => _buffer.WrittenCount > 0;

    public int PendingBytes => _buffer.WrittenCount;

    /// <summary>Writes one frame (header and body); returns the frame as written, for the handshake transcript.</summary>
    public ReadOnlySpan<byte> WriteFrame(FrameType type, ReadOnlySpan<byte> body)
    {
        int start = _buffer.WrittenCount;
        Span<byte> destination = _buffer.GetSpan(WireFormat.FrameHeaderSize + body.Length);
        FrameHeader.Write(destination, type, body.Length);
        body.CopyTo(destination[WireFormat.FrameHeaderSize..]);
        _buffer.Advance(WireFormat.FrameHeaderSize + body.Length);
        return _buffer.WrittenSpan[start..];
    }

    public void WriteAlert(AlertCode code, uint detail)
    {
        Span<byte> body = stackalloc byte[AlertMessage.Size];
        new AlertMessage(code, detail).Write(body);
        WriteFrame(FrameType.Alert, body);
    }

    /// <summary>Space for one frame of <paramref name="size"/> bytes (header included); commit it with <see cref="Advance"/>.</summary>
    public Span<byte> GetSpan(int size) => _buffer.GetSpan(size);

    public void Advance(int count) => _buffer.Advance(count);

    /// <summary>
    /// With nothing pending, gives up a buffer a burst grew past <paramref name="keep"/> bytes (a hub's member list, a
    /// storm of notices), so an idle link holds a small one; the next frame gets a fresh buffer.
    /// </summary>
    public void TrimIfEmpty(int keep)
    {
        if (_buffer.WrittenCount == 0 && _buffer.Capacity > keep)
        {
            _buffer = new ArrayBufferWriter<byte>();
        }
    }

    /// <summary>Hands the bytes written so far to the caller in exchange for an empty buffer (no copy).</summary>
    public ArrayBufferWriter<byte> Exchange(ArrayBufferWriter<byte> empty)
    {
        if (empty.WrittenCount != 0)
        {
            throw new ArgumentException("the replacement buffer must be empty", nameof(empty));
        }

        ArrayBufferWriter<byte> full = _buffer;
        _buffer = empty;
        return full;
    }
}
