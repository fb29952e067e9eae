using SecureChat.Engine.Mls;
using SecureChat.Engine.Mls.Codec;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Mls.Schedule;
using SecureChat.Engine.Mls.Tree;

namespace SecureChat.Engine.Tests.Protocol;

/// <summary>
/// Says in words what an MLS payload of PROTOCOL.md 9.4 holds, read back from its bytes (not from the objects that
/// made it): group_id, epoch, sender leaf, proposals, KeyPackageRefs, each named by the value list of the example.
/// So the words next to the hex are checked by decoding, as a reader's own decoder would.
/// </summary>
internal sealed class WorkedGroupWords
{
    private readonly Dictionary<string, string> _names = [];

    /// <summary>Names <paramref name="value"/> (a group_id, a KeyPackageRef, an identity public key).</summary>
    public void Name(byte[] value, string name) => _names.Add(Convert.ToHexStringLower(value), name);

    public string NameOf(byte[] value) =>
        _names.TryGetValue(Convert.ToHexStringLower(value), out string? name) ? name : throw new InvalidOperationException($"the example names no value {Convert.ToHexStringLower(value)}");

    /// <summary>One key package (an MLSMessage of wire_format 5).</summary>
    public string KeyPackage(byte[] mls)
    {
        MlsMessage message = MlsMessage.Decode(mls);
        message.WireFormat.ShouldBe(WireFormat.KeyPackage);
        KeyPackage keyPackage = message.KeyPackage!;
        LeafNode leaf = keyPackage.LeafNode;
        leaf.Credential.Type.ShouldBe(CredentialType.Basic);
        leaf.SignatureKey.ShouldBe(leaf.Credential.Identity, "the leaf signs with the identity key");
        return $"KeyPackage (wire_format 5) {NameOf(keyPackage.Reference(CipherSuite.Suite1))} (its KeyPackageRef): cipher_suite {keyPackage.CipherSuite}, "
            + $"basic credential and signature_key = {NameOf(leaf.Credential.Identity)}, leaf_node_source {(int)leaf.Source} key_package, "
            + $"lifetime not_before {leaf.Lifetime!.NotBefore}, not_after {leaf.Lifetime.NotAfter}";
    }

    /// <summary>A commit (wire_format 1); <paramref name="leafNames"/> names the leaves of the group before it.</summary>
    public string Commit(byte[] mls, IReadOnlyList<string> leafNames)
    {
        MlsMessage message = MlsMessage.Decode(mls);
        message.WireFormat.ShouldBe(WireFormat.PublicMessage);
        FramedContent content = message.PublicMessage!.Content;
        content.ContentType.ShouldBe(ContentType.Commit);
        content.Sender.Type.ShouldBe(SenderType.Member);
        content.AuthenticatedData.ShouldBeEmpty();
        Commit commit = content.Commit!;
        var proposals = commit.Proposals.Select(p => p.Proposal switch
        {
            AddProposal add => $"Add (proposal type 1) of key package {NameOf(add.KeyPackage.Reference(CipherSuite.Suite1))}",
            RemoveProposal remove => $"Remove (proposal type 3) of leaf {remove.Removed} ({leafNames[(int)remove.Removed]})",
            _ => throw new InvalidOperationException("the example's commits hold only Add and Remove proposals by value"),
        }).ToList();
        string path = commit.Path is { } updatePath ? $"an UpdatePath of {updatePath.Nodes.Count} {(updatePath.Nodes.Count == 1 ? "node" : "nodes")}" : "no UpdatePath";
        return $"PublicMessage (wire_format 1), group_id {NameOf(content.GroupId)}, epoch {content.Epoch}, sender member leaf {content.Sender.Index} "
            + $"({leafNames[(int)content.Sender.Index]}), content_type 3 commit: {(proposals.Count == 0 ? "no proposals" : string.Join(", ", proposals))}, {path}";
    }

    /// <summary>
    /// A Welcome (wire_format 3), and what its joiner finds inside with the init private key of its key package (a
    /// reader can derive it from the example's draws): the GroupSecrets and the GroupInfo with its ratchet tree.
    /// </summary>
    public string[] Welcome(byte[] mls, KeyPackage joiner, KeyPackageSecrets joinerKeys, Func<byte[], string> personOf)
    {
        CipherSuite suite = CipherSuite.Suite1;
        MlsMessage message = MlsMessage.Decode(mls);
        message.WireFormat.ShouldBe(WireFormat.Welcome);
        Welcome welcome = message.Welcome!;
        string outside = $"Welcome (wire_format 3), cipher_suite {welcome.CipherSuite}, {welcome.Secrets.Count} EncryptedGroupSecrets: "
            + string.Join(", ", welcome.Secrets.Select(s => $"new_member {NameOf(s.NewMember)}"))
            + $"; encrypted_group_info {welcome.EncryptedGroupInfo.Length} bytes";
        WelcomeJoin.TryOpen(suite, welcome, joiner, joinerKeys.InitPrivateKey, _ => null, out OpenedWelcome? opened, out string failure).ShouldBeTrue(failure);
        using EpochSecrets epoch = opened!.Epoch;
        GroupSecrets secrets = opened.Secrets;
        GroupInfo info = opened.GroupInfo;
        Extension treeExtension = info.Extensions.ShouldHaveSingleItem("the GroupInfo carries the ratchet tree and nothing else");
        treeExtension.Type.ShouldBe(ExtensionType.RatchetTree);
        RatchetTree tree = RatchetTreeCodec.Decode(treeExtension.Data);
        string[] people = [.. Enumerable.Range(0, (int)tree.LeafCount).Select(i => tree.GetLeaf((uint)i) is { } leaf ? personOf(leaf.Credential.Identity) : "blank")];
        int shown = Array.FindLastIndex(people, p => p != "blank") + 1;
        string leaves = string.Join(", ", people.Take(shown).Select((p, i) => $"leaf {i} {p}"));
        string inside = $"opened with {NameOf(joiner.Reference(suite))}'s init private key: GroupSecrets with a joiner_secret, "
            + $"{(secrets.PathSecret is null ? "no path_secret" : "a path_secret")} and {secrets.Psks.Count} PSKs; GroupInfo of group_id "
            + $"{NameOf(info.GroupContext.GroupId)}, epoch {info.GroupContext.Epoch}, {info.GroupContext.Extensions.Count} group context extensions, "
            + $"signer leaf {info.Signer} ({people[info.Signer]}), one extension: ratchet_tree (type 2) with {leaves}";
        secrets.Wipe();
        return [outside, inside];
    }

    /// <summary>
    /// An application message (wire_format 2), with its sender data opened under the epoch's sender_data_secret as a
    /// receiver opens it (RFC 9420 section 6.3.2), and the text the receiver read.
    /// </summary>
    public string Application(byte[] mls, byte[] senderDataSecret, IReadOnlyList<string> leafNames, string text)
    {
        CipherSuite suite = CipherSuite.Suite1;
        MlsMessage message = MlsMessage.Decode(mls);
        message.WireFormat.ShouldBe(WireFormat.PrivateMessage);
        PrivateMessage privateMessage = message.PrivateMessage!;
        privateMessage.ContentType.ShouldBe(ContentType.Application);
        privateMessage.AuthenticatedData.ShouldBeEmpty();
        (byte[] key, byte[] nonce) = SenderDataKeys.Derive(suite, senderDataSecret, privateMessage.Ciphertext);
        byte[] aad = MlsWriter.Encode(w =>
        {
            w.Opaque(privateMessage.GroupId);
            w.U64(privateMessage.Epoch);
            w.U8((byte)privateMessage.ContentType);
        });
        suite.TryOpen(key, nonce, aad, privateMessage.EncryptedSenderData, out byte[] plain).ShouldBeTrue("the sender data opens");
        SenderData senderData = SenderData.Decode(plain);
        return $"PrivateMessage (wire_format 2), group_id {NameOf(privateMessage.GroupId)}, epoch {privateMessage.Epoch}, content_type 1 application, "
            + $"empty authenticated_data, encrypted_sender_data {privateMessage.EncryptedSenderData.Length} bytes, ciphertext {privateMessage.Ciphertext.Length} bytes; "
            + $"the sender data opens to leaf_index {senderData.LeafIndex} ({leafNames[(int)senderData.LeafIndex]}), generation {senderData.Generation}, "
            + $"reuse_guard {Convert.ToHexStringLower(senderData.ReuseGuard)}; the content to application_data \"{text}\"";
    }
}
