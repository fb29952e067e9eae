using CsCheck;
using SecureChat.Engine.Mls.Codec;

namespace SecureChat.Engine.Tests.Mls;

/// <summary>Properties of the RFC 9420 section 2.1 codec on generated inputs (CsCheck).</summary>
public sealed class MlsCodecPropertyTests
{
    [Fact]
    public void Every_varint_value_round_trips_in_its_minimum_encoding()
    {
        Gen.UInt[0, MlsWriter.VarIntMax].Sample(value =>
        {
            byte[] encoded = MlsWriter.Encode(w => w.VarInt(value));
            encoded.Length.ShouldBe(value <= 63 ? 1 : value <= 16383 ? 2 : 4);
            MlsReader reader = new(encoded);
            reader.VarInt().ShouldBe(value);
            reader.End.ShouldBeTrue();
        });
    }

    [Fact]
    public void Every_list_of_byte_strings_round_trips_as_a_vector_of_opaques()
    {
        Gen.Byte.Array[0, 300].List[0, 20].Sample(items =>
        {
            byte[] encoded = MlsWriter.Encode(w => w.Vector(items, (v, item) => v.Opaque(item)));
            MlsReader reader = new(encoded);
            List<byte[]> decoded = reader.VectorOf((ref MlsReader r) => r.OpaqueArray());
            reader.ExpectEnd();
            decoded.Count.ShouldBe(items.Count);
            for (int i = 0; i < items.Count; i++)
            {
                decoded[i].ShouldBe(items[i]);
            }
        });
    }

    [Fact]
    public void Altered_or_truncated_encodings_either_decode_or_raise_only_a_format_error()
    {
        Gen<(List<(uint, bool, byte[])> Items, byte[]? Tail)> structure = Gen.Select(
            Gen.Select(Gen.UInt[0, 20_000], Gen.Bool, Gen.Byte.Array[0, 80]).List[0, 6],
            Gen.Byte.Array[0, 10].Null());
        Gen<(byte[] Encoded, int Position, byte Mask, bool Truncate)> altered =
            from s in structure
            let encoded = Encode(s.Items, s.Tail)
            from position in Gen.Int[0, encoded.Length - 1]
            from mask in Gen.Byte
            from truncate in Gen.Bool
            select (encoded, position, mask, truncate);

        int decoded = 0;
        int refused = 0;
        altered.Sample(
            a =>
            {
                byte[] bytes = a.Truncate ? a.Encoded[..a.Position] : a.Encoded.ToArray();
                if (!a.Truncate)
                {
                    bytes[a.Position] ^= a.Mask;
                }

                try
                {
                    Decode(bytes);
                    Interlocked.Increment(ref decoded);
                }
                catch (MlsFormatException)
                {
                    Interlocked.Increment(ref refused);
                }
            },
            iter: 20_000);
        TestContext.Current.TestOutputHelper?.WriteLine($"altered inputs: {decoded} decoded, {refused} refused as malformed, nothing else thrown");
        decoded.ShouldBeGreaterThan(0);
        refused.ShouldBeGreaterThan(0);
    }

    private static byte[] Encode(List<(uint, bool, byte[])> items, byte[]? tail) => MlsWriter.Encode(w =>
    {
        w.Vector(items, (v, item) =>
        {
            v.VarInt(item.Item1);
            v.Bool(item.Item2);
            v.Opaque(item.Item3);
        });
        w.Optional(tail, (v, t) => v.Opaque(t));
        w.U16(0xBEEF);
    });

    private static void Decode(byte[] bytes)
    {
        MlsReader reader = new(bytes);
        reader.VectorOf((ref MlsReader r) => (r.VarInt(), r.Bool(), r.OpaqueArray()));
        reader.Optional((ref MlsReader r) => r.OpaqueArray());
        reader.U16();
        reader.ExpectEnd();
    }
}
