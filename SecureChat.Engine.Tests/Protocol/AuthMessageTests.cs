using System.Text;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Tests.Protocol;

/// <summary>The plaintext of ServerAuth and ClientAuth: identity key (32) || signature (64) || u8 name length || name || finished (32).</summary>
public sealed class AuthMessageTests
{
    private static readonly byte[] s_key = [.. Enumerable.Repeat((byte)0x11, WireFormat.IdentityKeySize)];
    private static readonly byte[] s_signature = [.. Enumerable.Repeat((byte)0x22, WireFormat.SignatureSize)];
    private static readonly byte[] s_finished = [.. Enumerable.Repeat((byte)0x33, WireFormat.FinishedSize)];

    private static byte[] Message(string name) => [.. AuthMessage.Signed(s_key, s_signature, name), .. s_finished];

    [Theory]
    [InlineData("a")]
    [InlineData("alice")]
    [InlineData("名前 👋🏽")]
    public void An_auth_message_round_trips_and_its_signed_part_ends_before_the_finished_mac(string name)
    {
        byte[] plaintext = Message(name);
        int nameLength = Encoding.UTF8.GetByteCount(name);
        plaintext.Length.ShouldBe(32 + 64 + 1 + nameLength + 32);
        plaintext[96].ShouldBe((byte)nameLength);
        AuthMessage.TryParse(plaintext, out AuthMessage parsed, out int signedLength).ShouldBeTrue();
        signedLength.ShouldBe(32 + 64 + 1 + nameLength);
        parsed.IdentityKey.ShouldBe(s_key);
        parsed.Signature.ShouldBe(s_signature);
        parsed.Name.ShouldBe(name);
        parsed.Finished.ShouldBe(s_finished);
    }

    [Fact]
    public void The_longest_name_is_64_bytes_and_a_longer_or_empty_one_is_refused_both_ways()
    {
        AuthMessage.TryParse(Message(new string('n', WireFormat.NameMax)), out AuthMessage parsed, out _).ShouldBeTrue();
        parsed.Name.Length.ShouldBe(WireFormat.NameMax);
        Should.Throw<ArgumentException>(() => AuthMessage.Signed(s_key, s_signature, new string('n', WireFormat.NameMax + 1)));
        Should.Throw<ArgumentException>(() => AuthMessage.Signed(s_key, s_signature, string.Empty));

        byte[] name65 = Encoding.ASCII.GetBytes(new string('n', 65));
        AuthMessage.TryParse([.. s_key, .. s_signature, 65, .. name65, .. s_finished], out _, out _).ShouldBeFalse("65-byte name");
        AuthMessage.TryParse([.. s_key, .. s_signature, 0, .. s_finished], out _, out _).ShouldBeFalse("empty name");
        AuthMessage.TryParse([.. s_key, .. s_signature, 2, 0xC0, 0x80, .. s_finished], out _, out _).ShouldBeFalse("invalid UTF-8 name");
    }

    [Fact]
    public void An_auth_message_with_a_byte_more_or_less_anywhere_is_rejected()
    {
        byte[] plaintext = Message("bob");
        AuthMessage.TryParse([.. plaintext, 0], out _, out _).ShouldBeFalse("trailing byte");
        for (int length = 0; length < plaintext.Length; length++)
        {
            AuthMessage.TryParse(plaintext.AsSpan(0, length), out _, out _).ShouldBeFalse($"cut to {length}");
        }

        byte[] longerName = (byte[])plaintext.Clone();
        longerName[96] = 4;
        AuthMessage.TryParse(longerName, out _, out _).ShouldBeFalse("declared name runs into the finished MAC");
    }
}
