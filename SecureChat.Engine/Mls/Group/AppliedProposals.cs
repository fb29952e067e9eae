using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Mls.Tree;

namespace SecureChat.Engine.Mls.Group;

/// <summary>
/// What a commit's proposals do (RFC 9420 sections 12.1-12.3), applied to a copy of the tree: the tree after them,
/// the leaves they added (left out of resolutions when the UpdatePath is sealed, section 12.4.2), the group
/// context's extensions for the new epoch, the PSKs to inject, whether the commit must carry a path, and whether
/// this member was removed. Owned by one commit being processed; not thread-safe.
/// </summary>
internal sealed record AppliedProposals(
    RatchetTree Tree,
    IReadOnlyList<(uint Leaf, KeyPackage KeyPackage)> Added,
    IReadOnlyList<Extension> Extensions,
    IReadOnlyList<PreSharedKeyId> Psks,
    bool PathRequired,
    bool OwnLeafRemoved);
