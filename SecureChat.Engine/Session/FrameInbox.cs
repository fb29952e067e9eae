using System.Buffers;
using System.Security.Cryptography;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session;

/// <summary>
/// Holds the bytes of frames not yet processed: a trailing partial frame, or whole frames that wait while key
/// derivation runs. Its capacity is one frame of the largest size the protocol allows, so a peer can never make a
/// session hold more; the buffer is rented only while something is held, so an idle session holds none.
/// Contents are wiped when released. Not thread-safe.
/// </summary>
internal sealed class FrameInbox : IDisposable
{
    public const int Capacity = WireFormat.FrameHeaderSize + WireFormat.FrameBodyMax;

    private byte[]? _buffer;
    private int _count;

    public bool IsEmpty => _count == 0;

    public ReadOnlySpan<byte> Pending => _buffer is null ? [] : _buffer.AsSpan(0, _count);

    /// <summary>
    /// The length of the whole frame at the start of <paramref name="buffer"/>: Done with its type and length,
    /// NeedMoreData when it is not all there yet, InvalidData when its header declares more than the protocol allows.
    /// </summary>
    public static OperationStatus TryReadFrame(ReadOnlySpan<byte> buffer, out byte type, out int frameLength)
    {
        frameLength = 0;
        OperationStatus status = FrameHeader.TryRead(buffer, out type, out int bodyLength);
        if (status != OperationStatus.Done)
        {
            return status;
        }

        frameLength = WireFormat.FrameHeaderSize + bodyLength;
        return buffer.Length < frameLength ? OperationStatus.NeedMoreData : OperationStatus.Done;
    }

    /// <summary>Appends as much of <paramref name="data"/> as fits; returns how much (0 when full).</summary>
    public int Append(ReadOnlySpan<byte> data)
    {
        _buffer ??= ArrayPool<byte>.Shared.Rent(Capacity);
        int take = Math.Min(data.Length, Capacity - _count);
        data[..take].CopyTo(_buffer.AsSpan(_count));
        _count += take;
        return take;
    }

    /// <summary>Drops the first <paramref name="count"/> bytes (frames that were processed).</summary>
    public void Consume(int count)
    {
        if (count <= 0 || _buffer is null)
        {
            return;
        }

        _buffer.AsSpan(count, _count - count).CopyTo(_buffer);
        CryptographicOperations.ZeroMemory(_buffer.AsSpan(_count - count, count));
        _count -= count;
    }

    /// <summary>Forgets everything held (the session ended).</summary>
    public void Clear()
    {
        if (_buffer is not null)
        {
            CryptographicOperations.ZeroMemory(_buffer.AsSpan(0, _count));
        }

        _count = 0;
    }

    /// <summary>Returns the buffer to the pool when nothing is held.</summary>
    public void ReleaseIfEmpty()
    {
        if (_count == 0 && _buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }
    }

    public void Dispose()
    {
        Clear();
        ReleaseIfEmpty();
    }
}
