using System.Security.Cryptography;
using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Mls.Messages;

namespace SecureChat.Engine.Tests.Hub.Groups;

/// <summary>
/// A member as the delivery service sees it, with real MLS keys: an Ed25519 identity (the leaf's credential and
/// signature key), its hex identity digest, key packages made by <see cref="KeyPackageFactory"/>, and the MLS state of
/// one group it is in. Not thread-safe.
/// </summary>
internal sealed class DsMember
{
    private readonly Dictionary<string, KeyPackageSecrets> _secrets = [];
    private readonly Dictionary<string, KeyPackage> _packages = [];

    public DsMember(string name)
    {
        Name = name;
        (SignaturePrivateKey, PublicKey) = CipherSuite.Suite1.GenerateSignatureKeyPair();
        Identity = Convert.ToHexString(SHA256.HashData(PublicKey));
    }

    public string Name { get; }

    public byte[] SignaturePrivateKey { get; }

    public byte[] PublicKey { get; }

    public string Identity { get; }

    /// <summary>This member's state of the group it is in (set when it founds or joins one).</summary>
    public GroupState? State { get; set; }

    public static ulong Now(TimeProvider time) => (ulong)time.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>A fresh key package as an MLSMessage (wire format 5), its secrets kept to join with later.</summary>
    public byte[] NewKeyPackage(TimeProvider time)
    {
        (KeyPackage keyPackage, KeyPackageSecrets secrets) = KeyPackageFactory.Create(CipherSuite.Suite1, PublicKey, SignaturePrivateKey, Now(time));
        string reference = Convert.ToHexString(keyPackage.Reference(CipherSuite.Suite1));
        _secrets[reference] = secrets;
        _packages[reference] = keyPackage;
        return MlsMessage.Of(keyPackage).Encode();
    }

    /// <summary>Founds a group at epoch 0 under <paramref name="groupId"/>, as RoomInfo <c>founder</c> asks.</summary>
    public void Found(byte[] groupId, TimeProvider time)
    {
        (KeyPackage keyPackage, KeyPackageSecrets secrets) = KeyPackageFactory.Create(CipherSuite.Suite1, PublicKey, SignaturePrivateKey, Now(time));
        State = GroupCreation.Create(CipherSuite.Suite1, groupId, keyPackage, secrets, []);
    }

    /// <summary>Joins by a relayed Welcome with the key package the hub handed out.</summary>
    public void Join(byte[] welcome, byte[] keyPackageMessage)
    {
        KeyPackage keyPackage = MlsMessage.Decode(keyPackageMessage).KeyPackage!;
        KeyPackageSecrets secrets = _secrets[Convert.ToHexString(keyPackage.Reference(CipherSuite.Suite1))];
        WelcomeJoin.TryJoin(CipherSuite.Suite1, MlsMessage.Decode(welcome).Welcome!, keyPackage, secrets, null, _ => null, out GroupState? state, out string failure)
            .ShouldBeTrue(failure);
        State = state;
    }

    /// <summary>
    /// Joins by a relayed Welcome with whichever of this member's key packages it was made for: a member added to a
    /// group whose GroupTask went to someone else (#lobby's operator) never sees which package the hub handed out.
    /// </summary>
    public void Join(byte[] welcome)
    {
        Welcome message = MlsMessage.Decode(welcome).Welcome!;
        string reference = message.Secrets.Select(s => Convert.ToHexString(s.NewMember)).FirstOrDefault(_packages.ContainsKey)
            ?? throw new InvalidOperationException($"the Welcome is for none of {Name}'s key packages");
        Join(welcome, MlsMessage.Of(_packages[reference]).Encode());
    }

    /// <summary>Processes a relayed commit of another member.</summary>
    public void Process(byte[] commit, TimeProvider time)
    {
        CommitProcessor.TryProcess(State!, MlsMessage.Decode(commit), _ => null, Now(time), out GroupState? next, out string failure).ShouldBeTrue(failure);
        State = next;
    }

    /// <summary>A commit of these removals (leaf indices) and adds (key package messages): the commit and its Welcome (empty without adds).</summary>
    public (byte[] Commit, byte[] Welcome, PendingCommit Pending) BuildCommit(IReadOnlyList<uint> removals, IReadOnlyList<byte[]> adds, TimeProvider time)
    {
        List<Proposal> proposals = [.. removals.Select(l => (Proposal)new RemoveProposal(l)), .. adds.Select(a => (Proposal)new AddProposal(MlsMessage.Decode(a).KeyPackage!))];
        CommitBuilder.TryCreate(State!, proposals, Now(time), out PendingCommit? pending, out string failure).ShouldBeTrue(failure);
        byte[] welcome = pending!.Welcome is { } w ? MlsMessage.Of(w).Encode() : [];
        return (pending.Commit.Encode(), welcome, pending);
    }

    /// <summary>An application message in the current epoch.</summary>
    public byte[] Message(string text) => ApplicationMessages.Protect(State!, System.Text.Encoding.UTF8.GetBytes(text)).Encode();
}
