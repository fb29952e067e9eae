using System.Security.Cryptography;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Identity;
using SecureChat.Engine.Session.Trust;

namespace SecureChat.Tui.App;

/// <summary>
/// Who is who among a client's fellow members (<see cref="KnownMembers"/>): each name the hub announces is checked
/// against the identity it was first seen with on this server, and said as a trust word (new, known, verified,
/// CHANGED) in <c>/names</c> and in a conversation's window. <c>/verify NAME</c> shows the safety number of the user
/// and NAME (<see cref="SafetyNumber"/>) and pins NAME's identity as verified. A name that comes with another identity
/// is warned about at once, and the user's messages to every room and conversation where it is are held, in order,
/// until <c>/accept NAME</c> (or <c>/verify NAME</c>) pins the new identity (ChatModel.Holds.cs).
/// </summary>
internal sealed partial class ChatModel
{
    /// <summary>The whole identity digest of each identity fingerprint announced (the lock guards it).</summary>
    private readonly Dictionary<string, byte[]> _digests = new(StringComparer.Ordinal);

    /// <summary>Each identity's trust in this run, with the name key it was judged under (the lock guards it).</summary>
    private readonly Dictionary<string, (string NameKey, TrustState State)> _memberTrust = new(StringComparer.Ordinal);

    /// <summary>A client's members file; null: names are judged for this run only.</summary>
    public KnownMembers? MembersFile { get; init; }

    /// <summary>This side's own identity digest (for safety numbers); null when it has none.</summary>
    public byte[]? OwnDigest { get; init; }

    /// <summary>The identity digest of the client's server, once its link is secure (under the lock).</summary>
    private byte[]? ServerDigest => !IsServer && _links.Client is { IdentityKey: { Length: IdentityFingerprint.PublicKeySize } key } ? SHA256.HashData(key) : null;

    /// <summary>
    /// Under the lock: the hub announced <paramref name="name"/> with this identity. It is judged against the members
    /// file once per name and identity in a run; a changed identity is warned about and holds sending.
    /// </summary>
    private void MemberSeen(string name, string? identity, byte[]? digest)
    {
        if (IsServer || identity is null || digest is not { Length: IdentityFingerprint.DigestSize } || IsSelf(name, identity))
        {
            return;
        }

        _digests[identity] = digest;
        string key = NameRules.Key(name);
        if (_memberTrust.TryGetValue(identity, out var judged) && judged.NameKey == key)
        {
            return;
        }

        if (MembersFile is not { } file || ServerDigest is not { } server)
        {
            return; // nowhere to pin names: the hub's word is all there is (the trust word stays "relayed")
        }

        MemberTrust trust = new(TrustState.New, null);
        try
        {
            trust = file.See(server, name, digest);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ConfigFileException)
        {
            _view.Show(ChatLine.Error($"could not use {KnownMembers.FileName} in the config directory: {e.Message}"));
        }

        SetMemberTrust(identity, name, trust.State);
        if (trust is { State: TrustState.Changed, PinnedDigest: { } pinned })
        {
            Changed(name, identity, IdentityFingerprint.FromDigest(pinned));
        }
    }

    /// <summary>Under the lock: records an identity's trust word and retitles its conversation window.</summary>
    private void SetMemberTrust(string identity, string name, TrustState state)
    {
        _memberTrust[identity] = (NameRules.Key(name), state);
        if (_windows.Query(identity) is { } query && _windows.OpenQuery(identity, query.Title, TrustWordOf(identity)) is { } retitled)
        {
            _view.OpenWindow(retitled);
        }
    }

    /// <summary>A fellow member's trust word for <c>/names</c> (under the lock); null when none was judged.</summary>
    private string? MemberTrustOf(string? identity) =>
        identity is not null && _memberTrust.TryGetValue(identity, out var trust) ? ChatWords.MemberTrustWord(trust.State) : null;

    /// <summary>The trust word of an identity: a member's (new, known, verified, CHANGED), else its link's.</summary>
    private string TrustWordOf(string identity) =>
        _memberTrust.TryGetValue(identity, out var trust) ? ChatWords.MemberTrustWord(trust.State) : _links.TrustOf(identity);

    /// <summary>
    /// <c>/verify NAME</c> on a client, for a member the hub announced: shows the safety number of the user and NAME
    /// and pins NAME's identity as verified. False when NAME is no member with a known identity (the caller then
    /// tries the server's own <c>/verify</c>).
    /// </summary>
    private bool VerifyMember(string name, string? window)
    {
        bool done = false;
        Locked(() =>
        {
            if (IsServer || OwnDigest is null || FindMember(name) is not { } member || !_digests.TryGetValue(member.Identity, out byte[]? digest))
            {
                return;
            }

            done = true;
            string here = Here(window);
            _view.Show(_words.SafetyNumber(member.Name, SafetyNumber.Of(OwnDigest, digest)) with { Window = here });
            if (!Pin(member.Name, digest, verified: true, here))
            {
                return;
            }

            SetMemberTrust(member.Identity, member.Name, TrustState.Verified);
            _view.Show(_words.MemberVerified(member.Name, member.Identity) with { Window = here });
            Accepted(member.Name);
        });
        return done;
    }

    /// <summary>Under the lock: pins a name to an identity in the members file; false (said in one line) when it cannot.</summary>
    private bool Pin(string name, byte[] digest, bool verified, string window)
    {
        if (MembersFile is not { } file || ServerDigest is not { } server)
        {
            return true;
        }

        try
        {
            if (file.Pin(server, name, digest, verified))
            {
                return true;
            }

            _view.Show(ChatLine.Error($"{KnownMembers.FileName} is full ({KnownMembers.MaxEntries} names): nothing was changed") with { Window = window });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ConfigFileException)
        {
            _view.Show(ChatLine.Error($"could not write {KnownMembers.FileName} in the config directory: {e.Message}") with { Window = window });
        }

        return false;
    }

    /// <summary>Under the lock: the member of this name (or a look-alike of it) with a known identity, as shown.</summary>
    private (string Name, string Identity)? FindMember(string name)
    {
        string key = NameRules.Key(name);
        foreach ((string member, string? identity) in _members)
        {
            if (identity is not null && NameRules.Key(member) == key)
            {
                return (member, identity);
            }
        }

        return _windows.IdentityOf(name) is { } found ? (_windows.NameOf(found) ?? SafeText.Name(name), found) : null;
    }
}
