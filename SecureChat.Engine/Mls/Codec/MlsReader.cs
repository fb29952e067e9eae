using System.Buffers.Binary;

namespace SecureChat.Engine.Mls.Codec;

/// <summary>
/// Reads the TLS presentation language as RFC 9420 section 2.1 profiles it, over a span of untrusted bytes. Every
/// malformation (truncation, the invalid 0b11 varint prefix, a varint not in its minimum encoding, a Boolean other
/// than 0 or 1, bytes left over) is an <see cref="MlsFormatException"/> and nothing else; a length is checked
/// against what remains before anything is allocated. A value type over the caller's span; not thread-safe.
/// </summary>
internal ref struct MlsReader
{
    private readonly ReadOnlySpan<byte> _input;
    private int _position;

    public MlsReader(ReadOnlySpan<byte> input)
    {
        _input = input;
        _position = 0;
    }

    public readonly bool End => _position == _input.Length;

    public readonly int Remaining => _input.Length - _position;

    /// <summary>Bytes consumed so far, to slice the raw encoding of a struct just read.</summary>
    public readonly int Position => _position;

    public byte U8() => Take(1)[0];

    public ushort U16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    public uint U32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    public ulong U64() => BinaryPrimitives.ReadUInt64BigEndian(Take(8));

    public bool Bool() => U8() switch
    {
        0 => false,
        1 => true,
        byte other => throw new MlsFormatException($"a Boolean must be 0 or 1, not {other}"),
    };

    /// <summary>A variable-length integer (section 2.1.2), refused unless in its minimum encoding.</summary>
    public uint VarInt()
    {
        byte first = Take(1)[0];
        int prefix = first >> 6;
        uint value;
        switch (prefix)
        {
            case 0:
                return first;
            case 1:
                value = ((first & 0x3Fu) << 8) | Take(1)[0];
                if (value <= 0x3F)
                {
                    throw new MlsFormatException($"variable-length integer {value} is not in its minimum encoding");
                }

                return value;
            case 2:
                ReadOnlySpan<byte> rest = Take(3);
                value = ((first & 0x3Fu) << 24) | ((uint)rest[0] << 16) | ((uint)rest[1] << 8) | rest[2];
                if (value <= 0x3FFF)
                {
                    throw new MlsFormatException($"variable-length integer {value} is not in its minimum encoding");
                }

                return value;
            default:
                throw new MlsFormatException("variable-length integer with the invalid prefix 0b11");
        }
    }

    public ReadOnlySpan<byte> Raw(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return Take(length);
    }

    /// <summary>opaque data&lt;V&gt;: a variable-length integer length, then that many bytes.</summary>
    public ReadOnlySpan<byte> Opaque()
    {
        uint length = VarInt();
        if (length > (uint)Remaining)
        {
            throw new MlsFormatException($"a vector of {length} bytes where only {Remaining} remain");
        }

        return Take((int)length);
    }

    public byte[] OpaqueArray() => Opaque().ToArray();

    /// <summary>A reader over the next length-prefixed vector; this reader moves past it.</summary>
    public MlsReader Vector() => new(Opaque());

    /// <summary>The items of the next vector, each read by <paramref name="read"/> until the vector's bytes end.</summary>
    public List<T> VectorOf<T>(ReadFunc<T> read)
    {
        MlsReader inner = Vector();
        List<T> items = [];
        while (!inner.End)
        {
            items.Add(read(ref inner));
        }

        return items;
    }

    /// <summary>optional&lt;T&gt; (section 2.1.1): null when the presence byte is 0.</summary>
    public T? Optional<T>(ReadFunc<T> read)
        where T : class => Bool() ? read(ref this) : null;

    public readonly void ExpectEnd()
    {
        if (!End)
        {
            throw new MlsFormatException($"{Remaining} unexpected bytes after the end of the structure");
        }
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > Remaining)
        {
            throw new MlsFormatException($"truncated: {count} bytes needed where only {Remaining} remain");
        }

        ReadOnlySpan<byte> span = _input.Slice(_position, count);
        _position += count;
        return span;
    }
}
