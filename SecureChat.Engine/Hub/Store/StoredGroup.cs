namespace SecureChat.Engine.Hub.Store;

/// <summary>
/// What the delivery service must know of one MLS group to go on after a restart (PROTOCOL.md 4.8, roster): the
/// group's key (<see cref="Groups.GroupKey.ToString"/>: a room key, or a pair of identities), its <c>group_id</c> and
/// epoch, the identity at each leaf (null for a blank leaf), and the members with a leaf, the longest in the group first
/// (the order of designation). Pending joiners, removals and tasks are not kept: they belong to links, which a restart
/// ends. Immutable.
/// </summary>
internal sealed record StoredGroup(string Key, byte[] GroupId, ulong Epoch, IReadOnlyList<string?> Leaves, IReadOnlyList<string> Seniority);
