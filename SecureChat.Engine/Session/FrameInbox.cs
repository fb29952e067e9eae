using System.Buffers;
using System.Security.Cryptography;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Session;

/// <summary>
/// Frame reassembly (PROTOCOL.md, "Framing"): gathers bytes into whole frames and hands them to an
/// <see cref="IFrameHandler"/>, straight from the caller's span when it can, and holds the rest: a trailing partial
/// frame, or whole frames that wait while key derivation runs. Its capacity is one frame of the largest size the
/// protocol allows, so a peer can never make a session hold more; the buffer is rented only while something is
/// held, so an idle session holds none. Contents are wiped when released. Not thread-safe.
/// </summary>
internal sealed class FrameInbox : IDisposable
{
    public const int Capacity = WireFormat.FrameHeaderSize + WireFormat.FrameBodyMax;

    private byte[]? _buffer;
    private int _count;
    private bool _processing;

    public bool IsEmpty => _count == 0;

    private ReadOnlySpan<byte> Pending => _buffer is null ? [] : _buffer.AsSpan(0, _count);

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

    /// <summary>Consumes bytes from the peer: whole frames go to <paramref name="handler"/>; the rest is held.</summary>
    public void Receive(ReadOnlySpan<byte> data, IFrameHandler handler)
    {
        while (!data.IsEmpty && !handler.IsEnded)
        {
            if (IsEmpty && handler.CanProcess)
            {
                // Fast path: parse straight from the caller's span and keep only a trailing partial frame.
                data = data[Process(data, handler)..];
                if (data.IsEmpty || handler.IsEnded)
                {
                    break;
                }
            }

            int taken = Append(data);
            if (taken == 0)
            {
                // Only possible while frames wait for key derivation: meanwhile an honest peer sends at most its
                // auth message (ServerAuth, PROTOCOL.md 3.7: one frame of a few hundred bytes), nothing more before
                // it has ours; the inbox holds a whole maximal frame, so a full inbox here is abuse.
                handler.OnOverflow();
                break;
            }

            data = data[taken..];
            ProcessHeld(handler);
        }

        ReleaseIfIdle();
    }

    /// <summary>Hands the frames held to <paramref name="handler"/> (after a pause ends).</summary>
    public void ProcessHeld(IFrameHandler handler)
    {
        if (IsEmpty)
        {
            return;
        }

        int consumed = Process(Pending, handler);
        if (handler.IsEnded)
        {
            Clear();
            return;
        }

        Consume(consumed);
    }

    /// <summary>Returns the buffer to the pool when nothing is held, unless frames are being handed out from it.</summary>
    public void ReleaseIfIdle()
    {
        if (!_processing)
        {
            ReleaseIfEmpty();
        }
    }

    private int Process(ReadOnlySpan<byte> buffer, IFrameHandler handler)
    {
        int consumed = 0;
        _processing = true;
        try
        {
            while (handler.CanProcess)
            {
                ReadOnlySpan<byte> rest = buffer[consumed..];
                OperationStatus status = TryReadFrame(rest, out byte type, out int frameLength);
                if (status == OperationStatus.NeedMoreData)
                {
                    break;
                }

                if (status != OperationStatus.Done)
                {
                    handler.OnFrameTooLarge();
                    break;
                }

                handler.OnFrame(type, rest[..frameLength]);
                consumed += frameLength;
            }
        }
        finally
        {
            _processing = false;
        }

        return consumed;
    }

    /// <summary>Appends as much of <paramref name="data"/> as fits; returns how much (0 when full).</summary>
    private int Append(ReadOnlySpan<byte> data)
    {
        _buffer ??= ArrayPool<byte>.Shared.Rent(Capacity);
        int take = Math.Min(data.Length, Capacity - _count);
        data[..take].CopyTo(_buffer.AsSpan(_count));
        _count += take;
        return take;
    }

    /// <summary>Drops the first <paramref name="count"/> bytes (frames that were processed).</summary>
    private void Consume(int count)
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
    private void Clear()
    {
        if (_buffer is not null)
        {
            CryptographicOperations.ZeroMemory(_buffer.AsSpan(0, _count));
        }

        _count = 0;
    }

    private void ReleaseIfEmpty()
    {
        if (_count == 0 && _buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }
    }

    /// <summary>Wipes what is held and returns the buffer (deferred while frames are being handed out from it).</summary>
    public void Dispose()
    {
        Clear();
        ReleaseIfIdle();
    }
}
