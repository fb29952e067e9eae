using SecureChat.Engine.Mls.Codec;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Mls;

/// <summary>The TLS presentation language codec of RFC 9420 section 2.1, at its boundaries and on malformed input.</summary>
public sealed class MlsCodecTests
{
    public static TheoryData<uint, string> VarIntBoundaries => new()
    {
        { 0, "00" },
        { 63, "3f" },
        { 64, "4040" },
        { 16383, "7fff" },
        { 16384, "80004000" },
        { (1u << 30) - 1, "bfffffff" },
    };

    [Theory]
    [MemberData(nameof(VarIntBoundaries))]
    public void A_varint_at_a_size_boundary_uses_the_minimum_encoding_and_round_trips(uint value, string hex)
    {
        byte[] encoded = MlsWriter.Encode(w => w.VarInt(value));
        Hex.Of(encoded).ShouldBe(hex);
        MlsReader reader = new(encoded);
        reader.VarInt().ShouldBe(value);
        reader.ExpectEnd();
    }

    [Fact]
    public void A_varint_above_two_to_the_thirty_cannot_be_written()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => MlsWriter.Encode(w => w.VarInt(1u << 30)));
    }

    [Theory]
    [InlineData("4000", "0 in two bytes")]
    [InlineData("403f", "63 in two bytes")]
    [InlineData("80000000", "0 in four bytes")]
    [InlineData("80003fff", "16383 in four bytes")]
    [InlineData("c0", "the 0b11 prefix")]
    [InlineData("c000000000000000", "the 0b11 prefix with eight bytes")]
    [InlineData("40", "a two-byte varint cut short")]
    [InlineData("800000", "a four-byte varint cut short")]
    [InlineData("", "nothing at all")]
    public void A_malformed_varint_is_refused_as_a_format_error(string hex, string what)
    {
        byte[] bytes = Hex.Bytes(hex);
        Should.Throw<MlsFormatException>(() => new MlsReader(bytes).VarInt(), what);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(16383)]
    [InlineData(16384)]
    public void An_opaque_vector_round_trips_at_every_length_boundary(int length)
    {
        byte[] data = new byte[length];
        new Random(length).NextBytes(data);
        byte[] encoded = MlsWriter.Encode(w => w.Opaque(data));
        encoded.Length.ShouldBe(length + (length <= 63 ? 1 : length <= 16383 ? 2 : 4));

        MlsReader reader = new(encoded);
        reader.OpaqueArray().ShouldBe(data);
        reader.ExpectEnd();
    }

    [Fact]
    public void A_vector_whose_length_runs_past_the_input_is_refused_before_allocating()
    {
        byte[] bytes = Hex.Bytes("bfffffff0102");
        Should.Throw<MlsFormatException>(() => new MlsReader(bytes).Opaque().ToArray());
    }

    [Fact]
    public void Every_truncation_of_a_valid_structure_is_refused_as_a_format_error()
    {
        byte[] encoded = MlsWriter.Encode(w =>
        {
            w.U16(0x0102);
            w.Vector([1u, 300u, 70000u], (v, x) => v.U32(x));
            w.Opaque(new byte[100]);
            w.Optional<byte[]>(new byte[] { 9 }, (v, x) => v.Opaque(x));
            w.U64(ulong.MaxValue);
        });
        ReadAll(encoded).ShouldBe(((ushort)0x0102, 3, 100, 1, ulong.MaxValue));

        for (int cut = 0; cut < encoded.Length; cut++)
        {
            byte[] prefix = encoded[..cut];
            Should.Throw<MlsFormatException>(() => ReadAll(prefix), $"cut at {cut} of {encoded.Length}");
        }
    }

    [Fact]
    public void Trailing_bytes_after_a_structure_are_refused()
    {
        byte[] bytes = Hex.Bytes("000100");
        Should.Throw<MlsFormatException>(() =>
        {
            MlsReader reader = new(bytes);
            reader.U16();
            reader.ExpectEnd();
        });
    }

    [Theory]
    [InlineData("02")]
    [InlineData("ff")]
    public void A_boolean_other_than_zero_or_one_is_refused(string hex)
    {
        byte[] bytes = Hex.Bytes(hex);
        Should.Throw<MlsFormatException>(() => new MlsReader(bytes).Bool());
    }

    [Fact]
    public void A_vector_item_that_overruns_its_vector_is_refused_even_when_the_outer_input_has_bytes()
    {
        // The vector says 3 bytes, but its item is a u32: the item must not read past the vector into what follows.
        byte[] bytes = Hex.Bytes("03010203" + "04");
        Should.Throw<MlsFormatException>(() => new MlsReader(bytes).VectorOf((ref MlsReader r) => r.U32()));
    }

    [Fact]
    public void Position_counts_the_bytes_consumed()
    {
        byte[] bytes = Hex.Bytes("0102034142");
        MlsReader reader = new(bytes);
        reader.U8();
        reader.Position.ShouldBe(1);
        reader.Opaque().Length.ShouldBe(2);
        reader.Position.ShouldBe(4);
        reader.Remaining.ShouldBe(1);
    }

    private static (ushort, int, int, int, ulong) ReadAll(byte[] encoded)
    {
        MlsReader reader = new(encoded);
        ushort a = reader.U16();
        List<uint> items = reader.VectorOf((ref MlsReader r) => r.U32());
        int opaque = reader.Opaque().Length;
        byte[]? optional = reader.Optional((ref MlsReader r) => r.OpaqueArray());
        ulong last = reader.U64();
        reader.ExpectEnd();
        return (a, items.Count, opaque, optional!.Length, last);
    }
}
