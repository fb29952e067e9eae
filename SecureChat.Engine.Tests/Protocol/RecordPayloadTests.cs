using System.Text;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Tests.Protocol;

public sealed class RecordPayloadTests
{
    private static readonly byte[] s_digest = [.. Enumerable.Range(1, WireFormat.IdentityDigestSize).Select(i => (byte)i)];

    [Theory]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("你好，世界 👋🏽")]
    public void A_chat_payload_is_the_text_alone_and_round_trips(string text)
    {
        byte[] buffer = new byte[Encoding.UTF8.GetByteCount(text)];
        RecordPayload.WriteChat(buffer, text).ShouldBe(buffer.Length);
        buffer.ShouldBe(Encoding.UTF8.GetBytes(text), "v2 Chat carries no sender name: the sender is the peer itself");
        RecordPayload.TryParseChat(buffer, out string parsed).ShouldBeTrue();
        parsed.ShouldBe(text);
    }

    [Theory]
    [InlineData("a", "")]
    [InlineData("alice", "hello")]
    [InlineData("名前", "你好，世界 👋🏽")]
    public void A_relay_payload_round_trips_its_sender_digest_name_and_text(string sender, string text)
    {
        byte[] buffer = new byte[WireFormat.IdentityDigestSize + 1 + Encoding.UTF8.GetByteCount(sender) + Encoding.UTF8.GetByteCount(text)];
        RecordPayload.WriteRelay(buffer, s_digest, sender, text).ShouldBe(buffer.Length);
        buffer.AsSpan(0, WireFormat.IdentityDigestSize).ToArray().ShouldBe(s_digest);
        buffer[WireFormat.IdentityDigestSize].ShouldBe((byte)Encoding.UTF8.GetByteCount(sender));
        RecordPayload.TryParseRelay(buffer, out byte[] digest, out string parsedSender, out string parsedText).ShouldBeTrue();
        digest.ShouldBe(s_digest);
        parsedSender.ShouldBe(sender);
        parsedText.ShouldBe(text);
    }

    [Fact]
    public void A_relay_needs_a_whole_digest_and_a_non_empty_sender_name()
    {
        RecordPayload.TryParseRelay(s_digest[..31], out _, out _, out _).ShouldBeFalse("31-byte digest");
        RecordPayload.TryParseRelay(s_digest, out _, out _, out _).ShouldBeFalse("no name length");
        RecordPayload.TryParseRelay([.. s_digest, 0, .. "hi"u8], out _, out _, out _).ShouldBeFalse("empty sender");
        RecordPayload.TryParseRelay([.. s_digest, 10, .. "abc"u8], out _, out _, out _).ShouldBeFalse("name runs past the payload");
        RecordPayload.TryParseRelay([.. s_digest, 1, .. "a"u8], out _, out _, out string empty).ShouldBeTrue("empty text is allowed");
        empty.ShouldBe(string.Empty);
        Should.Throw<ArgumentException>(() => RecordPayload.WriteRelay(new byte[1024], s_digest[..16], "alice", "x"));
        Should.Throw<ArgumentException>(() => RecordPayload.WriteRelay(new byte[1024], s_digest, string.Empty, "x"));
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xC0, 0x80 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xE4, 0xBD })]
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })]
    public void Invalid_utf8_in_a_chat_text_a_relay_a_nick_or_a_presence_name_is_rejected(byte[] bad)
    {
        RecordPayload.TryParseChat(bad, out _).ShouldBeFalse("text");
        RecordPayload.TryParseRelay([.. s_digest, (byte)bad.Length, .. bad, .. "hi"u8], out _, out _, out _).ShouldBeFalse("relay sender");
        RecordPayload.TryParseRelay([.. s_digest, 1, .. "a"u8, .. bad], out _, out _, out _).ShouldBeFalse("relay text");
        RecordPayload.TryParseNick(bad, out _).ShouldBeFalse("nick");
        RecordPayload.TryParsePresence([(byte)PresenceKind.Joined, .. s_digest, (byte)bad.Length, .. bad, 0], out _, out _, out _, out _).ShouldBeFalse("presence");
    }

    [Fact]
    public void Names_longer_than_64_bytes_are_rejected_when_parsed_and_refused_when_written()
    {
        byte[] name65 = Encoding.ASCII.GetBytes(new string('n', WireFormat.NameMax + 1));
        RecordPayload.TryParseRelay([.. s_digest, (byte)name65.Length, .. name65, .. "hi"u8], out _, out _, out _).ShouldBeFalse();
        RecordPayload.TryParseNick(name65, out _).ShouldBeFalse();
        RecordPayload.TryParsePresence([(byte)PresenceKind.Joined, .. s_digest, (byte)name65.Length, .. name65, 0], out _, out _, out _, out _).ShouldBeFalse();
        RecordPayload.TryParseNick(name65[..WireFormat.NameMax], out string ok).ShouldBeTrue();
        ok.Length.ShouldBe(WireFormat.NameMax);

        RecordPayload.IsValidName(new string('n', WireFormat.NameMax)).ShouldBeTrue();
        RecordPayload.IsValidName(new string('n', WireFormat.NameMax + 1)).ShouldBeFalse();
        RecordPayload.IsValidName(string.Concat(Enumerable.Repeat("é", 33))).ShouldBeFalse("66 bytes of UTF-8");
        RecordPayload.IsValidName(string.Empty).ShouldBeFalse();
        Should.Throw<ArgumentException>(() => RecordPayload.WriteRelay(new byte[1024], s_digest, new string('n', 65), "x"));
        Should.Throw<ArgumentException>(() => RecordPayload.WritePresence(new byte[1024], PresenceKind.Joined, s_digest, new string('n', 65), string.Empty));
    }

    [Fact]
    public void A_nick_is_one_to_64_bytes()
    {
        RecordPayload.TryParseNick([], out _).ShouldBeFalse("0 bytes");
        RecordPayload.TryParseNick("b"u8, out string one).ShouldBeTrue("1 byte");
        one.ShouldBe("b");
        RecordPayload.TryParseNick(Encoding.ASCII.GetBytes(new string('n', 64)), out string longest).ShouldBeTrue("64 bytes");
        longest.Length.ShouldBe(64);
        RecordPayload.TryParseNick(Encoding.ASCII.GetBytes(new string('n', 65)), out _).ShouldBeFalse("65 bytes");

        byte[] buffer = new byte[64];
        int length = RecordPayload.WriteNick(buffer, "bob");
        RecordPayload.TryParseNick(buffer.AsSpan(0, length), out string name).ShouldBeTrue();
        name.ShouldBe("bob");
    }

    [Fact]
    public void A_presence_payload_round_trips_with_its_digest_and_rejects_unknown_kinds_and_trailing_bytes()
    {
        byte[] buffer = new byte[200];
        int length = RecordPayload.WritePresence(buffer, PresenceKind.Renamed, s_digest, "old", "new");
        length.ShouldBe(1 + WireFormat.IdentityDigestSize + 1 + 3 + 1 + 3);
        RecordPayload.TryParsePresence(buffer.AsSpan(0, length), out PresenceKind kind, out byte[] digest, out string name, out string newName).ShouldBeTrue();
        (kind, name, newName).ShouldBe((PresenceKind.Renamed, "old", "new"));
        digest.ShouldBe(s_digest);

        RecordPayload.TryParsePresence([.. buffer.AsSpan(0, length), 0], out _, out _, out _, out _).ShouldBeFalse("trailing byte");
        RecordPayload.TryParsePresence([0, .. buffer.AsSpan(1, length - 1)], out _, out _, out _, out _).ShouldBeFalse("kind 0");
        RecordPayload.TryParsePresence([6, .. buffer.AsSpan(1, length - 1)], out _, out _, out _, out _).ShouldBeFalse("kind 6");
        RecordPayload.TryParsePresence([(byte)PresenceKind.Renamed, .. s_digest, 3, .. "old"u8, 0], out _, out _, out _, out _).ShouldBeFalse("a rename needs a new name");
        RecordPayload.TryParsePresence([(byte)PresenceKind.Joined, .. s_digest, 3, .. "old"u8, 3, .. "new"u8], out _, out _, out _, out _).ShouldBeFalse("only a rename has a new name");
        RecordPayload.TryParsePresence([(byte)PresenceKind.Left, .. s_digest, 0, 0], out _, out _, out _, out _).ShouldBeFalse("an empty name");
        RecordPayload.TryParsePresence([(byte)PresenceKind.Left, .. s_digest[..31]], out _, out _, out _, out _).ShouldBeFalse("a short digest");
    }

    [Theory]
    [InlineData(PresenceKind.Joined)]
    [InlineData(PresenceKind.Left)]
    [InlineData(PresenceKind.Member)]
    [InlineData(PresenceKind.You)]
    public void Every_presence_kind_without_a_new_name_round_trips(PresenceKind sent)
    {
        byte[] buffer = new byte[200];
        int length = RecordPayload.WritePresence(buffer, sent, s_digest, "carol", string.Empty);
        RecordPayload.TryParsePresence(buffer.AsSpan(0, length), out PresenceKind kind, out byte[] digest, out string name, out string newName).ShouldBeTrue();
        (kind, name, newName).ShouldBe((sent, "carol", string.Empty));
        digest.ShouldBe(s_digest);
    }
}
