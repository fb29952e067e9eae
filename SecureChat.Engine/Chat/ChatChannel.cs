using System.Buffers;
using System.Security.Cryptography;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Chat;

/// <summary>
/// The chat on top of a <see cref="SecureSession"/>'s application records (PROTOCOL.md, "Records"): Chat (this
/// side's text), Relay (the hub passing on another peer's text with its name and identity digest), Nick (this
/// side's name) and Presence (the hub's notices about other peers, and the client's own final name). Encodes what
/// this side sends, decodes what arrives into <see cref="MessageReceivedEvent"/>, <see cref="PeerNamedEvent"/> and
/// <see cref="PresenceEvent"/>. The session knows nothing of names or text. Not thread-safe: used under the same
/// lock as its session.
/// </summary>
internal sealed class ChatChannel : IApplicationRecords
{
    /// <summary>
    /// Client: the names of the other members the hub has announced and not yet seen leave, to hold the hub to
    /// <see cref="WireFormat.MembersMax"/> (a hub that announces more fails the session).
    /// </summary>
    private readonly HashSet<string> _members = new(StringComparer.Ordinal);

    public ChatChannel(SecureSession session)
    {
        Session = session;
        session.Application = this;
    }

    public SecureSession Session { get; }

    /// <summary>Seals one chat message from this side. Returns false when the text does not fit in one record (or is not valid UTF-16).</summary>
    public bool SendChat(string text) => Seal(FrameType.Chat, [], string.Empty, text);

    /// <summary>Hub only: relays another peer's message with its name and identity digest (server-vouched).</summary>
    public bool SendRelay(ReadOnlySpan<byte> senderDigest, string sender, string text)
    {
        if (!RecordPayload.IsValidName(sender))
        {
            throw new ArgumentException("a sender name is 1 to 64 bytes of UTF-8", nameof(sender));
        }

        return Seal(FrameType.Relay, senderDigest, sender, text);
    }

    /// <summary>Tells the peer our display name (1-64 bytes of UTF-8).</summary>
    public void SendNick(string name)
    {
        if (!RecordPayload.IsValidName(name))
        {
            throw new ArgumentException("a name is 1 to 64 bytes of UTF-8", nameof(name));
        }

        Span<byte> plaintext = stackalloc byte[WireFormat.NameMax * 4];
        Session.SealApplication(FrameType.Nick, plaintext[..RecordPayload.WriteNick(plaintext, name)]);
    }

    /// <summary>Hub only: tells a client about a peer (joined, left, renamed, already there) or its own final name.</summary>
    public void SendPresence(PresenceKind kind, ReadOnlySpan<byte> digest, string name, string newName = "")
    {
        Span<byte> plaintext = stackalloc byte[3 + WireFormat.IdentityDigestSize + 2 * WireFormat.NameMax * 4];
        Session.SealApplication(FrameType.Presence, plaintext[..RecordPayload.WritePresence(plaintext, kind, digest, name, newName)]);
    }

    /// <summary>The bytes of text in a Chat or Relay plaintext (a Relay's digest and name skipped), or -1 when malformed.</summary>
    private static int TextLength(FrameType type, ReadOnlySpan<byte> plaintext)
    {
        if (type == FrameType.Chat)
        {
            return plaintext.Length;
        }

        int nameAt = WireFormat.IdentityDigestSize;
        return plaintext.Length > nameAt ? plaintext.Length - nameAt - 1 - plaintext[nameAt] : -1;
    }

    bool IApplicationRecords.TryConsume(FrameType type, ReadOnlySpan<byte> plaintext)
    {
        if (FrameTable.Of(type).IsChatMessage && TextLength(type, plaintext) is > WireFormat.ChatTextMax and int length)
        {
            // One rule on both sides (PROTOCOL.md 4.1): a longer text could not be relayed whole, so it is never shown.
            Session.Violation(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"a chat message of {length:N0} bytes, over the {WireFormat.ChatTextMax:N0}-byte limit"));
            return true;
        }

        switch (type)
        {
            case FrameType.Chat when RecordPayload.TryParseChat(plaintext, out string text):
                Session.Raise(new MessageReceivedEvent(string.Empty, text, null));
                return true;
            case FrameType.Relay when RecordPayload.TryParseRelay(plaintext, out byte[] digest, out string sender, out string relayed):
                Session.Raise(new MessageReceivedEvent(sender, relayed, digest));
                return true;
            case FrameType.Nick when RecordPayload.TryParseNick(plaintext, out string name):
                Session.Raise(new PeerNamedEvent(name));
                return true;
            case FrameType.Presence when RecordPayload.TryParsePresence(plaintext, out PresenceKind kind, out byte[] who, out string named, out string newName):
                if (!TrackMember(kind, named, newName))
                {
                    Session.Violation($"the server announced more than {WireFormat.MembersMax} members");
                    return true;
                }

                Session.Raise(new PresenceEvent(kind, who, named, newName));
                return true;
            default:
                return false;
        }
    }

    /// <summary>Follows the member list through one notice; false when it would hold more than the bound.</summary>
    private bool TrackMember(PresenceKind kind, string name, string newName)
    {
        switch (kind)
        {
            case PresenceKind.Joined or PresenceKind.Member:
                return _members.Contains(name) || _members.Count < WireFormat.MembersMax ? _members.Add(name) | true : false;
            case PresenceKind.Left:
                _members.Remove(name);
                return true;
            case PresenceKind.Renamed:
                _members.Remove(name);
                return _members.Contains(newName) || _members.Count < WireFormat.MembersMax ? _members.Add(newName) | true : false;
            default:
                return true;
        }
    }

    private bool Seal(FrameType type, ReadOnlySpan<byte> senderDigest, string sender, string text)
    {
        if (!RecordPayload.TryGetUtf8Length(text, out int textLength) || textLength > WireFormat.ChatTextMax)
        {
            return false;
        }

        byte[] plaintext = ArrayPool<byte>.Shared.Rent(WireFormat.RecordPlaintextMax);
        try
        {
            int length = type == FrameType.Relay
                ? RecordPayload.WriteRelay(plaintext, senderDigest, sender, text)
                : RecordPayload.WriteChat(plaintext, text);
            Session.SealApplication(type, plaintext.AsSpan(0, length));
            CryptographicOperations.ZeroMemory(plaintext.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(plaintext);
        }

        return true;
    }
}
