using System.Buffers.Binary;

namespace SecureChat.Engine.Mls.Codec;

/// <summary>
/// Writes the TLS presentation language as RFC 9420 section 2.1 profiles it: big-endian integers, and variable-size
/// vectors prefixed by their length in bytes as a variable-length integer (section 2.1.2, always in its minimum
/// encoding). A growable buffer; not thread-safe.
/// </summary>
internal sealed class MlsWriter
{
    /// <summary>The largest length a variable-length integer can carry (30 bits, section 2.1.2).</summary>
    public const uint VarIntMax = (1u << 30) - 1;

    private byte[] _buffer;
    private int _length;

    public MlsWriter(int capacity = 64)
    {
        _buffer = new byte[Math.Max(capacity, 16)];
    }

    public int Length => _length;

    public static byte[] Encode(Action<MlsWriter> body)
    {
        MlsWriter writer = new();
        body(writer);
        return writer.ToArray();
    }

    public void U8(byte v) => Reserve(1)[0] = v;

    public void U16(ushort v) => BinaryPrimitives.WriteUInt16BigEndian(Reserve(2), v);

    public void U32(uint v) => BinaryPrimitives.WriteUInt32BigEndian(Reserve(4), v);

    public void U64(ulong v) => BinaryPrimitives.WriteUInt64BigEndian(Reserve(8), v);

    public void Bool(bool v) => U8(v ? (byte)1 : (byte)0);

    /// <summary>The minimum encoding of <paramref name="v"/>: 1 byte up to 63, 2 up to 16383, else 4 bytes.</summary>
    public void VarInt(uint v)
    {
        if (v > VarIntMax)
        {
            throw new ArgumentOutOfRangeException(nameof(v), v, $"a variable-length integer holds at most {VarIntMax}");
        }

        if (v <= 0x3F)
        {
            U8((byte)v);
        }
        else if (v <= 0x3FFF)
        {
            U16((ushort)(0x4000 | v));
        }
        else
        {
            U32(0x8000_0000 | v);
        }
    }

    public void Raw(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Reserve(bytes.Length));

    /// <summary>opaque data&lt;V&gt;: the length as a variable-length integer, then the bytes.</summary>
    public void Opaque(ReadOnlySpan<byte> bytes)
    {
        VarInt(checked((uint)bytes.Length));
        Raw(bytes);
    }

    /// <summary>A vector whose content <paramref name="body"/> writes; its length prefix is computed afterwards.</summary>
    public void Vector(Action<MlsWriter> body)
    {
        MlsWriter inner = new();
        body(inner);
        Opaque(inner._buffer.AsSpan(0, inner._length));
    }

    public void Vector<T>(IReadOnlyList<T> items, Action<MlsWriter, T> write) => Vector(w =>
    {
        foreach (T item in items)
        {
            write(w, item);
        }
    });

    /// <summary>optional&lt;T&gt; (section 2.1.1): a presence byte 0 or 1, then the value when present.</summary>
    public void Optional<T>(T? value, Action<MlsWriter, T> write)
        where T : class
    {
        Bool(value is not null);
        if (value is not null)
        {
            write(this, value);
        }
    }

    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    private Span<byte> Reserve(int count)
    {
        int needed = checked(_length + count);
        if (needed > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(needed, checked(_buffer.Length * 2)));
        }

        Span<byte> span = _buffer.AsSpan(_length, count);
        _length = needed;
        return span;
    }
}
