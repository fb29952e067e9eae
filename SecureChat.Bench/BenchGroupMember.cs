using System.Security.Cryptography;
using NSec.Cryptography;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Transport;

namespace SecureChat.Bench;

/// <summary>
/// One bench member of a room's MLS group (PROTOCOL.md 4.8), as an honest client is: its Ed25519 identity is the
/// credential and signature key of its key packages; it publishes them once connected; when the hub tasks it, it
/// builds the real commit of the task's removals and adds (with the Welcome) from its own <see cref="GroupState"/>
/// and merges it once the hub accepts it; and it sends real PrivateMessages from that state. A member that only
/// receives keeps no group state: it counts the GroupRelays it gets. Records arrive one at a time per link; the counter
/// is shared across threads.
/// </summary>
internal sealed class BenchGroupMember : IMemberGroupRecords, ISigner, IDisposable
{
    private readonly byte[] _seed;
    private readonly Key _key;
    private readonly Dictionary<string, KeyPackageSecrets> _secrets = [];
    private readonly string _room;
    private readonly Action _relayed;
    private PendingCommit? _pending;
    private ChatClient? _client;

    public BenchGroupMember(string room, Action relayed)
    {
        _room = room;
        _relayed = relayed;
        (_seed, byte[] publicKey) = CipherSuite.Suite1.GenerateSignatureKeyPair();
        _key = Key.Import(SignatureAlgorithm.Ed25519, _seed, KeyBlobFormat.RawPrivateKey);
        PublicKey = publicKey;
    }

    public byte[] PublicKey { get; }

    /// <summary>This member's state of the room's group: set when it founds it, advanced by its accepted commits.</summary>
    public GroupState? State { get; private set; }

    /// <summary>Why the last task could not be carried out, or the hub's refusal of a commit; empty when none.</summary>
    public string Failure { get; private set; } = string.Empty;

    public byte[] Sign(ReadOnlySpan<byte> data) => SignatureAlgorithm.Ed25519.Sign(_key, data);

    /// <summary>Takes the client's records from now on and publishes this member's key packages (one last resort).</summary>
    public async Task AttachAsync(ChatClient client, int keyPackages)
    {
        _client = client;
        Link link = client.CurrentLink ?? throw new InvalidOperationException("not connected");
        link.MemberRecords = this;
        List<byte[]> packages = [.. Enumerable.Range(0, keyPackages).Select(_ => NewKeyPackage())];
        if (!await link.SendGroupAsync(g => g.SendKeyPackages(packages, lastResort: true), CancellationToken.None).ConfigureAwait(false))
        {
            throw new InvalidOperationException("the connection closed before the key packages went");
        }
    }

    /// <summary>Founds the room's group at epoch 0 under the hub's group_id (RoomInfo entered, founder).</summary>
    public void Found(byte[] groupId)
    {
        (KeyPackage keyPackage, KeyPackageSecrets secrets) = KeyPackageFactory.Create(CipherSuite.Suite1, PublicKey, _seed, Now());
        State = GroupCreation.Create(CipherSuite.Suite1, groupId, keyPackage, secrets, []);
    }

    /// <summary>Members in this member's view of the group (non-blank leaves).</summary>
    public int Members => State is null ? 0 : Enumerable.Range(0, (int)State.Tree.LeafCount).Count(i => State.Tree.GetLeaf((uint)i) is not null);

    /// <summary>Sends one PrivateMessage of <paramref name="text"/> to the room's group.</summary>
    public ValueTask<bool> SendAsync(byte[] text)
    {
        byte[] mls = ApplicationMessages.Protect(State ?? throw new InvalidOperationException("not in the group"), text).Encode();
        return _client!.CurrentLink!.SendGroupAsync(g => g.SendGroupMessage(GroupTarget.ForRoom(_room), mls), CancellationToken.None);
    }

    public void GroupTaskReceived(GroupTaskRecord record)
    {
        if (record.Target.Room != _room || State is not { } state)
        {
            return; // another group's task (the lobby's): the hub gives it to another member after its timeout
        }

        List<Proposal> proposals = [];
        foreach (byte[] digest in record.Removals)
        {
            uint leaf = (uint)Enumerable.Range(0, (int)state.Tree.LeafCount)
                .First(i => state.Tree.GetLeaf((uint)i) is { } node && SHA256.HashData(node.Credential.Identity).AsSpan().SequenceEqual(digest));
            proposals.Add(new RemoveProposal(leaf));
        }

        proposals.AddRange(record.Joiners.Select(j => (Proposal)new AddProposal(MlsMessage.Decode(j.KeyPackage).KeyPackage!)));
        if (!CommitBuilder.TryCreate(state, proposals, Now(), out PendingCommit? pending, out string failure))
        {
            Failure = $"commit for epoch {record.Epoch}: {failure}";
            return;
        }

        _pending = pending;
        byte[] welcome = pending!.Welcome is { } w ? MlsMessage.Of(w).Encode() : [];
        byte[] commit = pending.Commit.Encode();
        _ = _client!.CurrentLink!.SendGroupAsync(g => g.SendGroupCommit(record.Target, commit, welcome), CancellationToken.None).AsTask();
    }

    public void CommitResultReceived(CommitResultRecord record)
    {
        if (record.Target.Room != _room || _pending is not { } pending)
        {
            return;
        }

        _pending = null;
        if (record.Status == CommitStatus.Accepted)
        {
            State = pending.Merge();
        }
        else
        {
            Failure = $"the hub answered {record.Status} at epoch {record.Epoch}";
        }
    }

    public void CommitRelayReceived(CommitRelayRecord record)
    {
    }

    public void WelcomeRelayReceived(WelcomeRelayRecord record)
    {
    }

    public void GroupRelayReceived(GroupRelayRecord record)
    {
        if (record.Target.Room == _room)
        {
            _relayed();
        }
    }

    public void KeyPackageRelayReceived(KeyPackageRelayRecord record)
    {
    }

    public void Dispose() => _key.Dispose();

    private static ulong Now() => (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private byte[] NewKeyPackage()
    {
        (KeyPackage keyPackage, KeyPackageSecrets secrets) = KeyPackageFactory.Create(CipherSuite.Suite1, PublicKey, _seed, Now());
        _secrets[Convert.ToHexString(keyPackage.Reference(CipherSuite.Suite1))] = secrets;
        return MlsMessage.Of(keyPackage).Encode();
    }
}
