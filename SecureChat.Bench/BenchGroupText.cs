using System.Security.Cryptography;
using System.Text;
using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Protocol;

namespace SecureChat.Bench;

/// <summary>
/// A room's MLS group as one member sees it (PROTOCOL.md 4.8), for the parts of the bench that measure a message
/// without a hub: real PrivateMessages of a text from a group this member founded, and the sizes of the v4 records that
/// carry one (GroupMessage to the hub, GroupRelay from it). A PrivateMessage's size depends on the text and the sender
/// data, not on how many members the group has. Not thread-safe.
/// </summary>
internal sealed class BenchGroupText
{
    private readonly GroupState _state;

    public BenchGroupText()
    {
        (byte[] seed, byte[] publicKey) = CipherSuite.Suite1.GenerateSignatureKeyPair();
        (var keyPackage, var secrets) = KeyPackageFactory.Create(CipherSuite.Suite1, publicKey, seed, (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        _state = GroupCreation.Create(CipherSuite.Suite1, RandomNumberGenerator.GetBytes(16), keyPackage, secrets, []);
    }

    /// <summary>One PrivateMessage of <paramref name="text"/> (the next generation of this member's ratchet), encoded.</summary>
    public byte[] Protect(ReadOnlySpan<byte> text) => ApplicationMessages.Protect(_state, text, []).Encode();

    /// <summary>The plaintext of the GroupMessage record a member sends with one text of <paramref name="textSize"/> bytes to <paramref name="room"/>.</summary>
    public int GroupMessageSize(string room, int textSize) =>
        new GroupMessageRecord(GroupTarget.ForRoom(room), Protect(new byte[textSize])).Write()[^1].Plaintext.Length;

    /// <summary>The plaintext of the GroupRelay record each other member gets for that text from a sender called <paramref name="sender"/>.</summary>
    public int GroupRelaySize(string room, string sender, int textSize) =>
        new GroupRelayRecord(GroupTarget.ForRoom(room), new byte[32], sender, Protect(Encoding.UTF8.GetBytes(new string('m', textSize)))).Write()[^1].Plaintext.Length;
}
