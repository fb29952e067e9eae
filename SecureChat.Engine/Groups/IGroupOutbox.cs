using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Groups;

/// <summary>
/// Where a <see cref="GroupBook"/> sends what it makes: the records of PROTOCOL.md 4.8 a member sends. The book does
/// no I/O itself; the link behind this interface seals and writes the records in the order they are given.
/// </summary>
internal interface IGroupOutbox
{
    void SendKeyPackages(KeyPackagesRecord record);

    void SendCommit(GroupCommitRecord record);

    /// <summary>
    /// Sends a GroupMessage; returns the sequence number of the record that carries its last bytes, which an Ack covers,
    /// or, when it is sealed later, a ticket of at least 2^63 that it reports through <see cref="GroupBook.MessageSealed"/>.
    /// </summary>
    ulong SendMessage(GroupMessageRecord record);

    /// <summary>Request <c>key package</c> (op 14) for the identity <paramref name="digest"/>.</summary>
    void RequestKeyPackage(byte[] digest);

    /// <summary>Request <c>resync</c> (op 15) for <paramref name="target"/>'s group.</summary>
    void RequestResync(GroupTarget target);
}
