using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Tests.Protocol;

public sealed class HandshakeMessageTests
{
    [Fact]
    public void A_client_hello_round_trips_and_has_the_documented_layout()
    {
        var hello = new ClientHello([0x0001], [0x0100, 0x0101, 0x0102], 100_000);
        byte[] body = new byte[hello.Size];
        hello.Write(body).ShouldBe(body.Length);
        body.ShouldBe(new byte[] { 1, 0x00, 0x01, 3, 0x01, 0x00, 0x01, 0x01, 0x01, 0x02, 0x00, 0x01, 0x86, 0xA0 });
        ClientHello.TryParse(body, out ClientHello parsed).ShouldBeTrue();
        parsed.Versions.ShouldBe(hello.Versions);
        parsed.Groups.ShouldBe(hello.Groups);
        parsed.Iterations.ShouldBe(100_000u);
    }

    [Fact]
    public void A_client_hello_with_trailing_bytes_or_cut_short_anywhere_is_rejected()
    {
        var hello = new ClientHello([0x0001], [0x0100, 0x0101], 100_000);
        byte[] body = new byte[hello.Size];
        hello.Write(body);
        ClientHello.TryParse([.. body, 0], out _).ShouldBeFalse("trailing byte");
        for (int length = 0; length < body.Length; length++)
        {
            ClientHello.TryParse(body.AsSpan(0, length), out _).ShouldBeFalse($"cut to {length}");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(WireFormat.OfferListMax + 1)]
    [InlineData(255)]
    public void A_client_hello_with_an_empty_or_over_long_offer_list_is_rejected(int count)
    {
        byte[] iterations = [0x00, 0x01, 0x86, 0xA0];
        ClientHello.TryParse([.. Offer(count), .. Offer(1), .. iterations], out _).ShouldBeFalse("version list");
        ClientHello.TryParse([.. Offer(1), .. Offer(count), .. iterations], out _).ShouldBeFalse("group list");
        ClientHello.TryParse([.. Offer(WireFormat.OfferListMax), .. Offer(WireFormat.OfferListMax), .. iterations], out _).ShouldBeTrue("the longest lists allowed");

        static byte[] Offer(int n) => [(byte)n, .. Enumerable.Repeat<byte[]>([0x01, 0x00], n).SelectMany(code => code)];
    }

    [Fact]
    public void A_server_hello_round_trips_and_rejects_any_other_length()
    {
        var hello = new ServerHello(1, 0x0101, 123_456);
        byte[] body = new byte[ServerHello.Size];
        hello.Write(body);
        body.ShouldBe(new byte[] { 0, 1, 0x01, 0x01, 0x00, 0x01, 0xE2, 0x40 });
        ServerHello.TryParse(body, out ServerHello parsed).ShouldBeTrue();
        parsed.ShouldBe(hello);
        foreach (byte[] other in OtherLengths(body))
        {
            ServerHello.TryParse(other, out _).ShouldBeFalse($"{other.Length} bytes");
        }
    }

    [Fact]
    public void An_alert_round_trips_and_rejects_any_other_length()
    {
        var alert = new AlertMessage(AlertCode.IterationsRejected, 200_000);
        byte[] body = new byte[AlertMessage.Size];
        alert.Write(body);
        body.ShouldBe(new byte[] { 3, 0x00, 0x03, 0x0D, 0x40 });
        AlertMessage.TryParse(body, out AlertMessage parsed).ShouldBeTrue();
        parsed.ShouldBe(alert);
        foreach (byte[] other in OtherLengths(body))
        {
            AlertMessage.TryParse(other, out _).ShouldBeFalse($"{other.Length} bytes");
        }
    }

    [Fact]
    public void A_key_share_splits_into_nonce_and_public_value_only_at_its_exact_size()
    {
        byte[] body = new byte[KeyShareMessage.Size(256)];
        body[0] = 0xAA;
        body[WireFormat.NonceSize] = 0xBB;
        KeyShareMessage.TrySplit(body, 256, out ReadOnlySpan<byte> nonce, out ReadOnlySpan<byte> value).ShouldBeTrue();
        nonce.Length.ShouldBe(32);
        nonce[0].ShouldBe((byte)0xAA);
        value.Length.ShouldBe(256);
        value[0].ShouldBe((byte)0xBB);
        KeyShareMessage.TrySplit(body.AsSpan(1), 256, out _, out _).ShouldBeFalse();
        KeyShareMessage.TrySplit([.. body, 0], 256, out _, out _).ShouldBeFalse();
        KeyShareMessage.TrySplit(body, 384, out _, out _).ShouldBeFalse();
    }

    /// <summary>Every prefix of a fixed-size body, the body extended by 1 to 64 bytes, and the body extended to the largest frame body.</summary>
    private static IEnumerable<byte[]> OtherLengths(byte[] body)
    {
        for (int length = 0; length < body.Length; length++)
        {
            yield return body[..length];
        }

        for (int extra = 1; extra <= 64; extra++)
        {
            yield return [.. body, .. new byte[extra]];
        }

        yield return [.. body, .. new byte[WireFormat.FrameBodyMax - body.Length]];
    }
}
