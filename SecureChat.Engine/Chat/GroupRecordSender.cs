using System.Security.Cryptography;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Chat;

/// <summary>
/// The send side of the v4 records (PROTOCOL.md 4.1, 4.1.1) for one link: each method seals one record, preceded by
/// the Parts its <c>mls</c> payload needs when the record would otherwise pass 16,384 bytes (cut by
/// <see cref="PartRecord.Frame"/>, the one way every implementation cuts). A client sends KeyPackages, GroupCommit and
/// GroupMessage; a hub sends GroupTask, CommitResult, CommitRelay, WelcomeRelay, GroupRelay and KeyPackageRelay. A
/// record of the other side's, or a payload the record cannot carry (empty, past <see cref="WireFormat.MlsPayloadMax"/>),
/// is a caller bug. Not thread-safe: used under the same lock as its session.
/// </summary>
internal sealed class GroupRecordSender(SecureSession session)
{
    // ---- Client to hub ------------------------------------------------------------------------------------------

    /// <summary>Offers the hub 1 to 9 key packages (each an MLSMessage); <paramref name="lastResort"/>: the last one is the last resort.</summary>
    public void SendKeyPackages(IReadOnlyList<byte[]> keyPackages, bool lastResort) =>
        Seal(FrameType.KeyPackages, new KeyPackagesRecord(lastResort, keyPackages).Write());

    /// <summary>Sends a commit for the group of <paramref name="target"/>, with the Welcome for its joiners or none (empty).</summary>
    public void SendGroupCommit(GroupTarget target, byte[] commit, byte[] welcome) =>
        Seal(FrameType.GroupCommit, new GroupCommitRecord(target, commit, welcome).Write());

    /// <summary>Sends one application message (a PrivateMessage) to the group of <paramref name="target"/>.</summary>
    public void SendGroupMessage(GroupTarget target, byte[] mls) =>
        Seal(FrameType.GroupMessage, new GroupMessageRecord(target, mls).Write());

    // ---- Hub to client ------------------------------------------------------------------------------------------

    /// <summary>Designates the client to commit <paramref name="epoch"/> of a group: remove those identities, add those joiners.</summary>
    public void SendGroupTask(GroupTarget target, byte[] groupId, ulong epoch, IReadOnlyList<byte[]> removals, IReadOnlyList<GroupTaskJoiner> joiners) =>
        Seal(FrameType.GroupTask, new GroupTaskRecord(target, groupId, epoch, removals, joiners).Write());

    /// <summary>Answers one GroupCommit of the client's, in order.</summary>
    public void SendCommitResult(GroupTarget target, CommitStatus status, byte[] groupId, ulong epoch)
    {
        CheckSide(FrameType.CommitResult);
        Span<byte> plaintext = stackalloc byte[CommitResultRecord.SizeMax];
        session.SealApplication(FrameType.CommitResult, plaintext[..new CommitResultRecord(target, status, groupId, epoch).Write(plaintext)]);
    }

    /// <summary>Relays an accepted commit of the group of <paramref name="target"/>, as its committer sent it.</summary>
    public void SendCommitRelay(GroupTarget target, ReadOnlySpan<byte> committer, string name, byte[] commit) =>
        Seal(FrameType.CommitRelay, new CommitRelayRecord(target, committer.ToArray(), name, commit).Write());

    /// <summary>Relays the Welcome of an accepted commit that adds the client, as its committer sent it.</summary>
    public void SendWelcomeRelay(GroupTarget target, ReadOnlySpan<byte> committer, string name, byte[] welcome) =>
        Seal(FrameType.WelcomeRelay, new WelcomeRelayRecord(target, committer.ToArray(), name, welcome).Write());

    /// <summary>Relays a member's GroupMessage to another member of the group, with the sender the hub vouches for.</summary>
    public void SendGroupRelay(GroupTarget target, ReadOnlySpan<byte> sender, string name, byte[] mls) =>
        Seal(FrameType.GroupRelay, new GroupRelayRecord(target, sender.ToArray(), name, mls).Write());

    /// <summary>Relays a member's GroupMessage from the plaintext written once for all its recipients (its owner wipes it).</summary>
    public void SendGroupRelay(GroupRelayPlaintext relay)
    {
        CheckSide(FrameType.GroupRelay);
        foreach ((FrameType frameType, byte[] plaintext) in relay.Frames)
        {
            session.SealApplication(frameType, plaintext);
        }
    }

    /// <summary>Answers a Request <c>key package</c> with one key package of that identity, known by that name.</summary>
    public void SendKeyPackageRelay(ReadOnlySpan<byte> digest, string name, byte[] keyPackage) =>
        Seal(FrameType.KeyPackageRelay, new KeyPackageRelayRecord(digest.ToArray(), name, keyPackage).Write());

    /// <summary>Seals the Parts, then the record, in order; each plaintext is wiped once sealed.</summary>
    private void Seal(FrameType type, List<(FrameType Type, byte[] Plaintext)> frames)
    {
        CheckSide(type);
        foreach ((FrameType frameType, byte[] plaintext) in frames)
        {
            session.SealApplication(frameType, plaintext);
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private void CheckSide(FrameType type)
    {
        if (!FrameTable.Of(type).MayBeSentBy(client: session.Role == SessionRole.Client))
        {
            throw new InvalidOperationException($"a {session.Role.ToString().ToLowerInvariant()} does not send {type}");
        }
    }
}
