using System.Text;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Tests.Protocol;

public sealed class RecordPayloadTests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("alice", "hello")]
    [InlineData("名前", "你好，世界 👋🏽")]
    public void A_chat_payload_round_trips_its_sender_and_text(string sender, string text)
    {
        byte[] buffer = new byte[RecordPayload.ChatSize(sender, text)];
        RecordPayload.WriteChat(buffer, sender, text).ShouldBe(buffer.Length);
        buffer[0].ShouldBe((byte)Encoding.UTF8.GetByteCount(sender));
        RecordPayload.TryParseChat(buffer, out string parsedSender, out string parsedText).ShouldBeTrue();
        parsedSender.ShouldBe(sender);
        parsedText.ShouldBe(text);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xC0, 0x80 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xE4, 0xBD })]
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })]
    public void Invalid_utf8_in_a_chat_text_a_sender_name_a_nick_or_a_presence_name_is_rejected(byte[] bad)
    {
        RecordPayload.TryParseChat([0, .. bad], out _, out _).ShouldBeFalse("text");
        RecordPayload.TryParseChat([(byte)bad.Length, .. bad, .. "hi"u8], out _, out _).ShouldBeFalse("sender");
        RecordPayload.TryParseNick(bad, out _).ShouldBeFalse("nick");
        RecordPayload.TryParsePresence([(byte)PresenceKind.Joined, (byte)bad.Length, .. bad, 0], out _, out _, out _).ShouldBeFalse("presence");
    }

    [Fact]
    public void Names_longer_than_64_bytes_are_rejected_when_parsed_and_refused_when_written()
    {
        byte[] name65 = Encoding.ASCII.GetBytes(new string('n', WireFormat.NameMax + 1));
        RecordPayload.TryParseChat([(byte)name65.Length, .. name65, .. "hi"u8], out _, out _).ShouldBeFalse();
        RecordPayload.TryParseNick(name65, out _).ShouldBeFalse();
        RecordPayload.TryParsePresence([(byte)PresenceKind.Joined, (byte)name65.Length, .. name65, 0], out _, out _, out _).ShouldBeFalse();
        RecordPayload.TryParseNick(name65[..WireFormat.NameMax], out string ok).ShouldBeTrue();
        ok.Length.ShouldBe(WireFormat.NameMax);

        RecordPayload.IsValidName(new string('n', WireFormat.NameMax)).ShouldBeTrue();
        RecordPayload.IsValidName(new string('n', WireFormat.NameMax + 1)).ShouldBeFalse();
        RecordPayload.IsValidName(string.Concat(Enumerable.Repeat("é", 33))).ShouldBeFalse("66 bytes of UTF-8");
        RecordPayload.IsValidName(string.Empty).ShouldBeFalse();
        Should.Throw<ArgumentException>(() => RecordPayload.WriteChat(new byte[1024], new string('n', 65), "x"));
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
    public void A_presence_payload_round_trips_and_rejects_unknown_kinds_and_trailing_bytes()
    {
        byte[] buffer = new byte[200];
        int length = RecordPayload.WritePresence(buffer, PresenceKind.Renamed, "old", "new");
        RecordPayload.TryParsePresence(buffer.AsSpan(0, length), out PresenceKind kind, out string name, out string newName).ShouldBeTrue();
        (kind, name, newName).ShouldBe((PresenceKind.Renamed, "old", "new"));

        RecordPayload.TryParsePresence([.. buffer.AsSpan(0, length), 0], out _, out _, out _).ShouldBeFalse("trailing byte");
        RecordPayload.TryParsePresence([0, .. buffer.AsSpan(1, length - 1)], out _, out _, out _).ShouldBeFalse("kind 0");
        RecordPayload.TryParsePresence([4, .. buffer.AsSpan(1, length - 1)], out _, out _, out _).ShouldBeFalse("kind 4");
        RecordPayload.TryParsePresence([(byte)PresenceKind.Renamed, 3, .. "old"u8, 0], out _, out _, out _).ShouldBeFalse("a rename needs a new name");
        RecordPayload.TryParsePresence([(byte)PresenceKind.Left, 0, 0], out _, out _, out _).ShouldBeFalse("an empty name");
    }

    [Fact]
    public void A_chat_whose_declared_sender_length_runs_past_the_payload_is_rejected()
    {
        RecordPayload.TryParseChat([10, .. "abc"u8], out _, out _).ShouldBeFalse();
        RecordPayload.TryParseChat([], out _, out _).ShouldBeFalse();
    }
}
