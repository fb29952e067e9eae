using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Tests.Protocol;

public sealed class HandshakeMessageTests
{
    private static readonly byte[] s_nonce = [.. Enumerable.Range(0xA0, WireFormat.NonceSize).Select(i => (byte)i)];

    [Fact]
    public void A_client_hello_round_trips_and_has_the_documented_layout()
    {
        var hello = new ClientHello([0x0002], [0x0100, 0x0101, 0x0102], WireFormat.FlagPassphrase, s_nonce, null);
        byte[] body = new byte[hello.Size];
        hello.Write(body).ShouldBe(body.Length);
        body.ShouldBe((byte[])[1, 0x00, 0x02, 3, 0x01, 0x00, 0x01, 0x01, 0x01, 0x02, 0x01, .. s_nonce, 0]);
        ClientHello.TryParse(body, out ClientHello parsed).ShouldBeTrue();
        parsed.Versions.ShouldBe(hello.Versions);
        parsed.Groups.ShouldBe(hello.Groups);
        parsed.Flags.ShouldBe(WireFormat.FlagPassphrase);
        parsed.UsesPassphrase.ShouldBeTrue();
        parsed.Nonce.ShouldBe(s_nonce);
        parsed.Solution.ShouldBeNull();
    }

    [Fact]
    public void A_client_hello_with_a_puzzle_solution_carries_window_and_counter_after_a_length_of_12()
    {
        var hello = new ClientHello([0x0002], [0x0100], 0, s_nonce, new PuzzleSolution(0x01020304, 0x05060708090A0B0C));
        byte[] body = new byte[hello.Size];
        hello.Write(body).ShouldBe(body.Length);
        body[^13..].ShouldBe(new byte[] { 12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 });
        ClientHello.TryParse(body, out ClientHello parsed).ShouldBeTrue();
        parsed.Solution.ShouldBe(new PuzzleSolution(0x01020304, 0x05060708090A0B0C));
        parsed.UsesPassphrase.ShouldBeFalse();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(11)]
    [InlineData(13)]
    [InlineData(255)]
    public void A_client_hello_whose_solution_length_is_neither_0_nor_12_is_rejected(int length)
    {
        byte[] prefix = [1, 0x00, 0x02, 1, 0x01, 0x00, 0x00, .. s_nonce];
        ClientHello.TryParse([.. prefix, (byte)length, .. new byte[length]], out _).ShouldBeFalse($"{length} declared and present");
        ClientHello.TryParse([.. prefix, 12, .. new byte[length]], out _).ShouldBe(length == 12, $"12 declared, {length} present");
        ClientHello.TryParse([.. prefix, 0, .. new byte[12]], out _).ShouldBeFalse("0 declared, 12 present");
        ClientHello.TryParse([.. prefix, 0], out _).ShouldBeTrue();
        ClientHello.TryParse([.. prefix, 12, .. new byte[12]], out _).ShouldBeTrue();
    }

    [Theory]
    [InlineData(0x04)]
    [InlineData(0x80)]
    [InlineData(0xFF)]
    public void Hellos_with_a_flag_bit_this_version_does_not_define_are_rejected(byte flags)
    {
        ClientHello.TryParse([1, 0x00, 0x02, 1, 0x01, 0x00, flags, .. s_nonce, 0], out _).ShouldBeFalse("ClientHello");
        ServerHello.TryParse([0, 2, 0x01, 0x00, 0, 0, 0x03, 0xE8, flags, .. s_nonce], out _).ShouldBeFalse("ServerHello");
        ClientHello.TryParse([1, 0x00, 0x02, 1, 0x01, 0x00, WireFormat.FlagPassphrase, .. s_nonce, 0], out _).ShouldBeTrue();
    }

    [Fact]
    public void A_client_hello_with_trailing_bytes_or_cut_short_anywhere_is_rejected()
    {
        foreach (PuzzleSolution? solution in new PuzzleSolution?[] { null, new PuzzleSolution(7, 9) })
        {
            var hello = new ClientHello([0x0002], [0x0100, 0x0101], 0, s_nonce, solution);
            byte[] body = new byte[hello.Size];
            hello.Write(body);
            ClientHello.TryParse([.. body, 0], out _).ShouldBeFalse("trailing byte");
            for (int length = 0; length < body.Length; length++)
            {
                ClientHello.TryParse(body.AsSpan(0, length), out _).ShouldBeFalse($"cut to {length}");
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(WireFormat.OfferListMax + 1)]
    [InlineData(255)]
    public void A_client_hello_with_an_empty_or_over_long_offer_list_is_rejected(int count)
    {
        byte[] rest = [0, .. s_nonce, 0];
        ClientHello.TryParse([.. Offer(count), .. Offer(1), .. rest], out _).ShouldBeFalse("version list");
        ClientHello.TryParse([.. Offer(1), .. Offer(count), .. rest], out _).ShouldBeFalse("group list");
        ClientHello.TryParse([.. Offer(WireFormat.OfferListMax), .. Offer(WireFormat.OfferListMax), .. rest], out _).ShouldBeTrue("the longest lists allowed");

        static byte[] Offer(int n) => [(byte)n, .. Enumerable.Repeat<byte[]>([0x01, 0x00], n).SelectMany(code => code)];
    }

    [Fact]
    public void Writing_a_client_hello_with_a_nonce_that_is_not_32_bytes_is_a_caller_bug()
    {
        var hello = new ClientHello([0x0002], [0x0100], 0, new byte[31], null);
        Should.Throw<ArgumentException>(() => hello.Write(new byte[hello.Size + 1]));
    }

    [Fact]
    public void A_server_hello_is_41_bytes_round_trips_and_rejects_any_other_length()
    {
        var hello = new ServerHello(2, 0x0101, 123_456, WireFormat.FlagPassphrase, s_nonce);
        byte[] body = new byte[ServerHello.Size];
        ServerHello.Size.ShouldBe(41);
        hello.Write(body);
        body.ShouldBe((byte[])[0, 2, 0x01, 0x01, 0x00, 0x01, 0xE2, 0x40, 0x01, .. s_nonce]);
        ServerHello.TryParse(body, out ServerHello parsed).ShouldBeTrue();
        (parsed.Version, parsed.Group, parsed.Iterations, parsed.Flags, parsed.UsesPassphrase).ShouldBe(((ushort)2, (ushort)0x0101, 123_456u, WireFormat.FlagPassphrase, true));
        parsed.Nonce.ShouldBe(s_nonce);
        foreach (byte[] other in OtherLengths(body))
        {
            ServerHello.TryParse(other, out _).ShouldBeFalse($"{other.Length} bytes");
        }
    }

    [Fact]
    public void A_puzzle_is_37_bytes_of_difficulty_window_and_challenge_and_rejects_any_other_length()
    {
        byte[] challenge = [.. Enumerable.Range(0, 32).Select(i => (byte)(0xC0 + i))];
        var puzzle = new PuzzleMessage(18, 0x00ABCDEF, challenge);
        byte[] body = new byte[PuzzleMessage.Size];
        PuzzleMessage.Size.ShouldBe(37);
        puzzle.Write(body);
        body.ShouldBe((byte[])[18, 0x00, 0xAB, 0xCD, 0xEF, .. challenge]);
        PuzzleMessage.TryParse(body, out PuzzleMessage parsed).ShouldBeTrue();
        (parsed.Difficulty, parsed.Window).ShouldBe(((byte)18, 0x00ABCDEFu));
        parsed.Challenge.ShouldBe(challenge);
        foreach (byte[] other in OtherLengths(body))
        {
            PuzzleMessage.TryParse(other, out _).ShouldBeFalse($"{other.Length} bytes");
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
