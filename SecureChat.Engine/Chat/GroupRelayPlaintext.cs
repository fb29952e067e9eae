using System.Security.Cryptography;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Chat;

/// <summary>
/// The plaintext of one GroupRelay (PROTOCOL.md 4.8): the Parts its <c>mls</c> payload needs, then the record, written
/// once for every recipient of a member's message. A room's GroupRelay, and a direct conversation's, carries the same
/// bytes to each of the sender's recipients (target, sender, name, message), so each link seals these bytes under its
/// own keys instead of writing and wiping a copy of its own (<see cref="GroupRecordSender.SendGroupRelay(GroupRelayPlaintext)"/>).
/// Thread-safe for concurrent sealing, the bytes being only read; <see cref="Dispose"/> wipes them and must follow
/// every seal (its owner's, once the message is sealed for all).
/// </summary>
internal sealed class GroupRelayPlaintext : IDisposable
{
    private readonly List<(FrameType Type, byte[] Plaintext)> _frames;

    public GroupRelayPlaintext(GroupRelayRecord record)
    {
        Record = record;
        _frames = record.Write();
    }

    /// <summary>The record these bytes write (for an output that does not seal it, such as the hub operator's own events).</summary>
    public GroupRelayRecord Record { get; }

    /// <summary>The Parts, then the GroupRelay, in the order they are sealed.</summary>
    public IReadOnlyList<(FrameType Type, byte[] Plaintext)> Frames => _frames;

    public void Dispose()
    {
        foreach ((_, byte[] plaintext) in _frames)
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
