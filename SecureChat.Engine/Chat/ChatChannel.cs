using System.Buffers;
using System.Security.Cryptography;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Chat;

/// <summary>
/// The chat on top of a <see cref="SecureSession"/>'s application records (PROTOCOL.md, "Chat records"): Chat
/// (sender name and text), Nick (this side's name) and Presence (the hub's notices about other peers). Encodes what
/// this side sends, decodes what arrives into <see cref="MessageReceivedEvent"/>, <see cref="PeerNamedEvent"/> and
/// <see cref="PresenceEvent"/>. The session knows nothing of names or text. Not thread-safe: used under the same
/// lock as its session.
/// </summary>
internal sealed class ChatChannel : IApplicationRecords
{
    public ChatChannel(SecureSession session)
    {
        Session = session;
        session.Application = this;
    }

    public SecureSession Session { get; }

    /// <summary>Seals one chat message. Returns false when the text does not fit in one record (or is not valid UTF-16).</summary>
    public bool SendChat(string sender, string text)
    {
        if (!RecordPayload.IsValidName(sender) && sender.Length != 0)
        {
            throw new ArgumentException("a sender name is at most 64 bytes of UTF-8", nameof(sender));
        }

        if (!RecordPayload.TryGetUtf8Length(text, out int textLength) || textLength > WireFormat.ChatTextMax)
        {
            return false;
        }

        byte[] plaintext = ArrayPool<byte>.Shared.Rent(WireFormat.RecordPlaintextMax);
        try
        {
            int length = RecordPayload.WriteChat(plaintext, sender, text);
            Session.SealApplication(FrameType.Chat, plaintext.AsSpan(0, length));
            CryptographicOperations.ZeroMemory(plaintext.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(plaintext);
        }

        return true;
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

    /// <summary>Hub only: tells a client that another peer joined, left or was renamed.</summary>
    public void SendPresence(PresenceKind kind, string name, string newName = "")
    {
        Span<byte> plaintext = stackalloc byte[3 + 2 * WireFormat.NameMax * 4];
        Session.SealApplication(FrameType.Presence, plaintext[..RecordPayload.WritePresence(plaintext, kind, name, newName)]);
    }

    bool IApplicationRecords.TryConsume(FrameType type, ReadOnlySpan<byte> plaintext)
    {
        switch (type)
        {
            case FrameType.Chat when RecordPayload.TryParseChat(plaintext, out string sender, out string text):
                Session.Raise(new MessageReceivedEvent(sender, text));
                return true;
            case FrameType.Nick when RecordPayload.TryParseNick(plaintext, out string name):
                Session.Raise(new PeerNamedEvent(name));
                return true;
            case FrameType.Presence when Session.Role == SessionRole.Client && RecordPayload.TryParsePresence(plaintext, out PresenceKind kind, out string who, out string newName):
                Session.Raise(new PresenceEvent(kind, who, newName));
                return true;
            default:
                return false;
        }
    }
}
